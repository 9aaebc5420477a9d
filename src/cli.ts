/**
 * The command line: every option, its environment variable and default in
 * one table, from which the parser, `--help` and the README's table come.
 * A flag wins over its variable.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";
import { REPORT_CONTAINER, SNAPSHOT_CONTAINER } from "./store.ts";
import { splitPatterns } from "./tag_filter.ts";

/** The Azure clouds the job knows the endpoints of. */
export const CLOUD_NAMES = [
  "AzurePublic",
  "AzureChinaCloud",
  "AzureUSGovernment",
] as const;

/** One of {@linkcode CLOUD_NAMES}. */
export type CloudName = typeof CLOUD_NAMES[number];

/** One command-line option. */
export interface OptionSpec {
  readonly name: string;
  readonly type: "string" | "boolean";
  /** Environment variable that sets it when the flag is absent. */
  readonly env?: string;
  /** Placeholder of the value in help text. */
  readonly value?: string;
  readonly defaultText?: string;
  readonly description: string;
}

/** Every option, in the order `--help` shows them. */
export const OPTIONS: readonly OptionSpec[] = [
  {
    name: "source",
    type: "string",
    env: "SERVICETAGS_SOURCE",
    value: "api|FILE",
    defaultText: "api",
    description:
      "Where the Service Tags come from: the Service Tag Discovery API, or a weekly JSON file (gzip accepted)",
  },
  {
    name: "store",
    type: "string",
    env: "SERVICETAGS_STORE",
    value: "DIR",
    defaultText: "./servicetags-data",
    description:
      "Local folder that keeps snapshots and reports (when no storage account is given)",
  },
  {
    name: "storage-account",
    type: "string",
    env: "SERVICETAGS_STORAGE_ACCOUNT",
    value: "NAME",
    description:
      "Keep snapshots and reports in this Azure Storage account (endpoint from --cloud)",
  },
  {
    name: "blob-endpoint",
    type: "string",
    env: "SERVICETAGS_BLOB_ENDPOINT",
    value: "URL",
    description:
      "Keep them at this Blob service URL instead (private endpoints, Azurite)",
  },
  {
    name: "snapshot-container",
    type: "string",
    env: "SERVICETAGS_SNAPSHOT_CONTAINER",
    value: "NAME",
    defaultText: SNAPSHOT_CONTAINER,
    description: "Blob container for the baseline and archived snapshots",
  },
  {
    name: "report-container",
    type: "string",
    env: "SERVICETAGS_REPORT_CONTAINER",
    value: "NAME",
    defaultText: REPORT_CONTAINER,
    description: "Blob container for change reports",
  },
  {
    name: "subscription",
    type: "string",
    env: "AZURE_SUBSCRIPTION_ID",
    value: "ID",
    description: "Subscription the Service Tag Discovery API is called in",
  },
  {
    name: "location",
    type: "string",
    env: "SERVICETAGS_LOCATION",
    value: "REGION",
    defaultText: "japaneast",
    description:
      "Region asked for the tags; it picks a rollout of the data, it does not filter",
  },
  {
    name: "cloud",
    type: "string",
    env: "SERVICETAGS_CLOUD",
    value: CLOUD_NAMES.join("|"),
    defaultText: "AzurePublic",
    description:
      "Azure cloud: sets the management, sign-in and storage endpoints",
  },
  {
    name: "arm-endpoint",
    type: "string",
    env: "SERVICETAGS_ARM_ENDPOINT",
    value: "URL",
    description:
      "Management endpoint URL instead of the cloud's (private and test endpoints)",
  },
  {
    name: "identity-timeout",
    type: "string",
    env: "SERVICETAGS_IDENTITY_TIMEOUT",
    value: "DURATION",
    defaultText: "3m",
    description:
      "How long to keep retrying the first token while the identity endpoint comes up",
  },
  {
    name: "timeout",
    type: "string",
    env: "SERVICETAGS_TIMEOUT",
    value: "DURATION",
    defaultText: "10m",
    description: "Deadline for the whole run",
  },
  {
    name: "only",
    type: "string",
    env: "SERVICETAGS_ONLY",
    value: "GLOB[,GLOB...]",
    description:
      "Report only tags whose id matches (e.g. AzureCloud.japaneast,Storage.*); snapshots stay whole",
  },
  {
    name: "accept-large-change",
    type: "boolean",
    env: "SERVICETAGS_ACCEPT_LARGE_CHANGE",
    description:
      "Store a change that removes more than 25% of the prefixes, or has no tags",
  },
  {
    name: "dry-run",
    type: "boolean",
    env: "SERVICETAGS_DRY_RUN",
    description: "Compare and print the result, write nothing",
  },
  {
    name: "format",
    type: "string",
    env: "SERVICETAGS_FORMAT",
    value: "text|json",
    defaultText: "text",
    description: "Output on stdout: a short summary, or one JSON document",
  },
  {
    name: "verbose",
    type: "boolean",
    env: "SERVICETAGS_VERBOSE",
    description: "Log debug lines, and stack traces on failure",
  },
  { name: "help", type: "boolean", description: "Show this help and exit" },
  {
    name: "version",
    type: "boolean",
    description: "Show the version and exit",
  },
];

/** Where the Service Tags are read from. */
export type SourceOption = { kind: "api" } | { kind: "file"; path: string };

/** Where snapshots and reports are kept. */
export type StoreOption =
  | { kind: "local"; directory: string }
  | {
    kind: "blob";
    /** Storage account name; the endpoint follows from the cloud. */
    account?: string;
    /** Explicit Blob service URL; wins over `account`. */
    endpoint?: string;
    snapshotContainer: string;
    reportContainer: string;
  };

/** Settings for calls to Azure. */
export interface AzureOptions {
  cloud: CloudName;
  subscription?: string;
  location: string;
  armEndpoint?: string;
  identityTimeoutMs: number;
}

/** The parsed and checked command line. */
export interface CliOptions {
  help: boolean;
  version: boolean;
  source: SourceOption;
  store: StoreOption;
  azure: AzureOptions;
  only: string[];
  acceptLargeChange: boolean;
  dryRun: boolean;
  format: "text" | "json";
  verbose: boolean;
  timeoutMs: number;
}

type Values = Record<string, string | boolean | undefined>;

/**
 * Parses arguments and environment variables into checked options.
 *
 * @throws {UsageError} for an unknown flag or a bad value, naming it.
 */
export function parseCli(
  args: readonly string[],
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): CliOptions {
  const values = mergeEnvironment(parseFlags(args), env);
  const text = (name: string) => values[name] as string | undefined;
  const flag = (name: string) => values[name] === true;

  return {
    help: flag("help"),
    version: flag("version"),
    source: parseSource(text("source")),
    store: parseStore(values),
    azure: parseAzure(values),
    only: splitPatterns(text("only")),
    acceptLargeChange: flag("accept-large-change"),
    dryRun: flag("dry-run"),
    format: oneOf("format", text("format") ?? "text", ["text", "json"]),
    verbose: flag("verbose"),
    timeoutMs: parseDuration("timeout", text("timeout") ?? "10m"),
  };
}

/** The text of `--help`. */
export function helpText(version: string): string {
  const rows = OPTIONS.map((option) => {
    const left = option.value
      ? `--${option.name} ${option.value}`
      : `--${option.name}`;
    const extras = [
      option.defaultText ? `default ${option.defaultText}` : "",
      option.env ? `env ${option.env}` : "",
    ].filter((s) => s !== "").join("; ");
    const right = extras
      ? `${option.description} (${extras})`
      : option.description;
    return `  ${left}\n      ${right}`;
  });
  return [
    `servicetags-checker ${version}`,
    "",
    "Reads Azure's network Service Tags, compares them with the last stored",
    "snapshot and, when the content changed, stores the new snapshot and a",
    "change report (JSON and Markdown).",
    "",
    "Usage: servicetags-checker [options]",
    "",
    "Options:",
    ...rows,
    "",
    "Exit codes: 0 baseline, unchanged or changed; 1 the run failed;",
    "2 a usage or input error.",
  ].join("\n");
}

function parseFlags(args: readonly string[]): Values {
  const options = Object.fromEntries(
    OPTIONS.map((o) => [o.name, { type: o.type }]),
  ) as Record<string, { type: "string" | "boolean" }>;
  try {
    const { values } = parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: false,
    });
    return values as Values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${firstLine(message)}; see --help`);
  }
}

function mergeEnvironment(
  flags: Values,
  env: (name: string) => string | undefined,
): Values {
  const merged: Values = { ...flags };
  for (const option of OPTIONS) {
    if (merged[option.name] !== undefined || option.env === undefined) continue;
    const raw = env(option.env);
    if (raw === undefined || raw === "") continue;
    merged[option.name] = option.type === "boolean"
      ? parseBoolean(option.env, raw)
      : raw;
  }
  return merged;
}

function parseSource(value: string | undefined): SourceOption {
  if (value === undefined || value === "api") return { kind: "api" };
  if (value.trim() === "") throw new UsageError("--source is empty");
  return { kind: "file", path: value };
}

function parseStore(values: Values): StoreOption {
  const directory = values["store"] as string | undefined;
  const account = values["storage-account"] as string | undefined;
  const endpoint = values["blob-endpoint"] as string | undefined;

  if (account === undefined && endpoint === undefined) {
    return { kind: "local", directory: directory ?? "./servicetags-data" };
  }
  if (directory !== undefined) {
    throw new UsageError(
      "--store names a local folder, --storage-account and --blob-endpoint a Blob store: choose one",
    );
  }
  if (account !== undefined && !/^[a-z0-9]{3,24}$/.test(account)) {
    throw new UsageError(
      `--storage-account "${account}" is not a storage account name (3 to 24 lowercase letters and digits)`,
    );
  }
  if (endpoint !== undefined) checkUrl("blob-endpoint", endpoint);
  return {
    kind: "blob",
    ...(account === undefined ? {} : { account }),
    ...(endpoint === undefined ? {} : { endpoint }),
    snapshotContainer: containerName(
      "snapshot-container",
      values["snapshot-container"] as string | undefined ?? SNAPSHOT_CONTAINER,
    ),
    reportContainer: containerName(
      "report-container",
      values["report-container"] as string | undefined ?? REPORT_CONTAINER,
    ),
  };
}

function parseAzure(values: Values): AzureOptions {
  const subscription = values["subscription"] as string | undefined;
  const armEndpoint = values["arm-endpoint"] as string | undefined;
  if (armEndpoint !== undefined) checkUrl("arm-endpoint", armEndpoint);
  const location = (values["location"] as string | undefined) ?? "japaneast";
  if (!/^[a-z0-9]+$/.test(location)) {
    throw new UsageError(
      `--location "${location}" is not a region name such as japaneast`,
    );
  }

  return {
    cloud: oneOf(
      "cloud",
      (values["cloud"] as string | undefined) ?? "AzurePublic",
      CLOUD_NAMES,
    ),
    ...(subscription === undefined ? {} : { subscription }),
    location,
    ...(armEndpoint === undefined ? {} : { armEndpoint }),
    identityTimeoutMs: parseDuration(
      "identity-timeout",
      (values["identity-timeout"] as string | undefined) ?? "3m",
    ),
  };
}

/** Accepts `90`, `90s`, `3m` or `1h`; plain numbers are seconds. */
export function parseDuration(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) {
    throw new UsageError(
      `--${name} "${text}" is not a duration such as 90s, 3m or 1h`,
    );
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[
    (match[2] ?? "s") as "ms" | "s" | "m" | "h"
  ];
  return Math.round(Number(match[1]) * unit);
}

function parseBoolean(variable: string, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  throw new UsageError(
    `${variable}="${raw}" is not a boolean: use true or false`,
  );
}

function oneOf<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(
    `--${name} "${value}" is not one of ${allowed.join(", ")}`,
  );
}

function checkUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--${name} "${value}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`--${name} "${value}" is not an http(s) URL`);
  }
  if (url.search !== "") {
    // A query string here would be a SAS token: the job signs in with Entra ID.
    throw new UsageError(
      `--${name} must not carry a query string (no SAS tokens: the job signs in with Entra ID)`,
    );
  }
}

function containerName(name: string, value: string): string {
  if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(value)) {
    throw new UsageError(
      `--${name} "${value}" is not a container name (3 to 63 lowercase letters, digits and single hyphens)`,
    );
  }
  return value;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
