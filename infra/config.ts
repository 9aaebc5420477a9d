/**
 * The deployment's configuration, read from `INFRA_*` environment variables.
 * Every value has a default, so `deno task infra:synth` runs with no
 * configuration at all; the values marked as examples must be set for a real
 * deployment (globally unique names, the GitHub repository, who gets mail).
 *
 * @module
 */

/** Everything the stack needs to know that is not fixed by the job itself. */
export interface InfraConfig {
  /** Azure region of every resource and of the job's container group. @default "japaneast" */
  readonly location: string;
  /** Resource group that holds everything but the subscription-wide custom role. @default "rg-servicetags-checker" */
  readonly resourceGroupName: string;
  /** Storage account for snapshots and reports; globally unique, 3-24 lowercase letters and digits. Example: "stservicetagsexample" */
  readonly storageAccountName: string;
  /** Container registry for the job's image; globally unique, 5-50 letters and digits. Example: "crservicetagsexample" */
  readonly registryName: string;
  /** Log Analytics workspace that receives the container's logs. @default "log-servicetags-checker" */
  readonly workspaceName: string;
  /** Identity the job runs as. @default "id-servicetags-checker-runtime" */
  readonly runtimeIdentityName: string;
  /** Identity GitHub Actions signs in as. @default "id-servicetags-checker-deploy" */
  readonly deploymentIdentityName: string;
  /** Name the workflows give the container group. @default "servicetags-checker" */
  readonly containerGroupName: string;
  /** Location the job asks the Service Tags Discovery API for. @default "japaneast" */
  readonly serviceTagsLocation: string;
  /** GitHub user or organization that owns the repository. Example: "example-org" */
  readonly githubOwner: string;
  /** GitHub repository that runs the workflows. Example: "servicetags-checker" */
  readonly githubRepository: string;
  /** Branch the daily environment accepts. @default "main" */
  readonly githubDefaultBranch: string;
  /** Who gets the alert mails. Example: ["ops@example.com"] */
  readonly alertEmails: readonly string[];
  /** Days a deleted or overwritten blob (and a deleted container) can be restored. @default 30 */
  readonly blobRetentionDays: number;
  /** Days the workspace keeps logs. @default 30 */
  readonly logRetentionDays: number;
}

/** A configuration value is malformed; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** A configuration and the variables that fell back to example values. */
export interface ReadConfig {
  readonly config: InfraConfig;
  /**
   * Variables that were not set and whose example value will not work for a
   * real deployment. Empty when the configuration is complete.
   */
  readonly examples: readonly string[];
}

/** Reads one environment variable; `undefined` when unset. */
export type EnvLookup = (name: string) => string | undefined;

interface Setting {
  readonly variable: string;
  readonly fallback: string;
  /** The fallback is a placeholder, not a working default. */
  readonly example?: boolean;
  readonly pattern: RegExp;
  readonly rule: string;
}

const NAME_63 = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._()-]{0,88}[A-Za-z0-9_()-]$/;
const IDENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/;

const SETTINGS = {
  location: {
    variable: "INFRA_LOCATION",
    fallback: "japaneast",
    pattern: /^[a-z0-9]+$/,
    rule: "an Azure region name such as japaneast",
  },
  resourceGroupName: {
    variable: "INFRA_RESOURCE_GROUP",
    fallback: "rg-servicetags-checker",
    pattern: RESOURCE_NAME,
    rule: "2-90 letters, digits, '.', '_', '-', '(' or ')', not ending in '.'",
  },
  storageAccountName: {
    variable: "INFRA_STORAGE_ACCOUNT",
    fallback: "stservicetagsexample",
    example: true,
    pattern: /^[a-z0-9]{3,24}$/,
    rule: "3-24 lowercase letters or digits, unique across Azure",
  },
  registryName: {
    variable: "INFRA_REGISTRY",
    fallback: "crservicetagsexample",
    example: true,
    pattern: /^[A-Za-z0-9]{5,50}$/,
    rule: "5-50 letters or digits, unique across Azure",
  },
  workspaceName: {
    variable: "INFRA_WORKSPACE",
    fallback: "log-servicetags-checker",
    pattern: /^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/,
    rule: "4-63 letters, digits or '-', starting and ending alphanumeric",
  },
  runtimeIdentityName: {
    variable: "INFRA_RUNTIME_IDENTITY",
    fallback: "id-servicetags-checker-runtime",
    pattern: IDENTITY_NAME,
    rule: "3-128 letters, digits, '-' or '_'",
  },
  deploymentIdentityName: {
    variable: "INFRA_DEPLOYMENT_IDENTITY",
    fallback: "id-servicetags-checker-deploy",
    pattern: IDENTITY_NAME,
    rule: "3-128 letters, digits, '-' or '_'",
  },
  containerGroupName: {
    variable: "INFRA_CONTAINER_GROUP",
    fallback: "servicetags-checker",
    pattern: NAME_63,
    rule:
      "1-63 lowercase letters, digits or '-', not starting or ending in '-'",
  },
  serviceTagsLocation: {
    variable: "INFRA_SERVICETAGS_LOCATION",
    fallback: "japaneast",
    pattern: /^[a-z0-9]+$/,
    rule: "an Azure region name such as japaneast",
  },
  githubOwner: {
    variable: "INFRA_GITHUB_OWNER",
    fallback: "example-org",
    example: true,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/,
    rule: "a GitHub user or organization name",
  },
  githubRepository: {
    variable: "INFRA_GITHUB_REPOSITORY",
    fallback: "servicetags-checker",
    example: true,
    pattern: /^[A-Za-z0-9._-]{1,100}$/,
    rule: "a GitHub repository name without the owner",
  },
  githubDefaultBranch: {
    variable: "INFRA_GITHUB_DEFAULT_BRANCH",
    fallback: "main",
    pattern: /^[A-Za-z0-9._/-]{1,255}$/,
    rule: "a branch name",
  },
} as const satisfies Record<string, Setting>;

const ALERT_EMAILS = {
  variable: "INFRA_ALERT_EMAILS",
  fallback: "ops@example.com",
} as const;

const EMAIL = /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/;

const BLOB_RETENTION = {
  variable: "INFRA_BLOB_RETENTION_DAYS",
  fallback: 30,
  min: 1,
  max: 365,
} as const;

const LOG_RETENTION = {
  variable: "INFRA_LOG_RETENTION_DAYS",
  fallback: 30,
  min: 30,
  max: 730,
} as const;

/**
 * Reads and checks the configuration. Throws {@linkcode ConfigError} for the
 * first malformed value.
 */
export function readConfig(env: EnvLookup): ReadConfig {
  const examples: string[] = [];
  const text = (setting: Setting): string => {
    const value = env(setting.variable)?.trim() || undefined;
    if (value === undefined) {
      if (setting.example) examples.push(setting.variable);
      return setting.fallback;
    }
    if (!setting.pattern.test(value)) {
      throw new ConfigError(
        `${setting.variable} must be ${setting.rule}, got "${value}": set it to a valid value or unset it`,
      );
    }
    return value;
  };

  const names = Object.fromEntries(
    Object.entries(SETTINGS).map(([key, setting]) => [key, text(setting)]),
  ) as Record<keyof typeof SETTINGS, string>;

  const emails = env(ALERT_EMAILS.variable)?.trim() || undefined;
  if (emails === undefined) examples.push(ALERT_EMAILS.variable);

  const config: InfraConfig = {
    ...names,
    alertEmails: parseEmails(emails ?? ALERT_EMAILS.fallback),
    blobRetentionDays: parseDays(env, BLOB_RETENTION),
    logRetentionDays: parseDays(env, LOG_RETENTION),
  };
  return { config, examples };
}

/** Reads the configuration from the process environment. */
export function readConfigFromEnv(): ReadConfig {
  return readConfig((name) => Deno.env.get(name));
}

function parseEmails(list: string): string[] {
  const emails = list.split(",").map((item) => item.trim()).filter(Boolean);
  const bad = emails.find((email) => !EMAIL.test(email));
  if (bad !== undefined) {
    throw new ConfigError(
      `${ALERT_EMAILS.variable} must be a comma-separated list of e-mail addresses, got "${bad}" in "${list}"`,
    );
  }
  if (emails.length === 0) {
    throw new ConfigError(
      `${ALERT_EMAILS.variable} must name at least one e-mail address, got "${list}"`,
    );
  }
  return [...new Set(emails)];
}

function parseDays(
  env: EnvLookup,
  limits: {
    variable: string;
    fallback: number;
    min: number;
    max: number;
  },
): number {
  const value = env(limits.variable)?.trim() || undefined;
  if (value === undefined) return limits.fallback;
  const days = Number(value);
  if (!/^\d+$/.test(value) || days < limits.min || days > limits.max) {
    throw new ConfigError(
      `${limits.variable} must be a whole number of days from ${limits.min} to ${limits.max}, got "${value}"`,
    );
  }
  return days;
}
