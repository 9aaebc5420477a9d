import assert from "node:assert/strict";
import { ConfigError, readConfig } from "../../infra/config.ts";

/** Asserts that reading fails with a ConfigError whose message starts so. */
function rejects(env: Record<string, string>, start: string): void {
  assert.throws(
    () => readConfig(lookup(env)),
    (error) => error instanceof ConfigError && error.message.startsWith(start),
  );
}

const lookup = (env: Record<string, string>) => (name: string) => env[name];

const COMPLETE = {
  INFRA_STORAGE_ACCOUNT: "stcontosotags",
  INFRA_REGISTRY: "crcontosotags",
  INFRA_GITHUB_OWNER: "Contoso",
  INFRA_GITHUB_REPOSITORY: "st-check",
  INFRA_ALERT_EMAILS: "ops@contoso.example",
};

Deno.test("readConfig() works with no variables at all, and names the example values", () => {
  const { config, examples } = readConfig(lookup({}));

  assert.deepEqual(config, {
    location: "japaneast",
    resourceGroupName: "rg-servicetags-checker",
    storageAccountName: "stservicetagsexample",
    registryName: "crservicetagsexample",
    workspaceName: "log-servicetags-checker",
    runtimeIdentityName: "id-servicetags-checker-runtime",
    deploymentIdentityName: "id-servicetags-checker-deploy",
    containerGroupName: "servicetags-checker",
    serviceTagsLocation: "japaneast",
    githubOwner: "example-org",
    githubRepository: "servicetags-checker",
    githubDefaultBranch: "main",
    alertEmails: ["ops@example.com"],
    blobRetentionDays: 30,
    logRetentionDays: 30,
  });
  assert.deepEqual(examples, [
    "INFRA_STORAGE_ACCOUNT",
    "INFRA_REGISTRY",
    "INFRA_GITHUB_OWNER",
    "INFRA_GITHUB_REPOSITORY",
    "INFRA_ALERT_EMAILS",
  ]);
});

Deno.test("readConfig() reports no example values once those are set", () => {
  const { config, examples } = readConfig(lookup(COMPLETE));

  assert.deepEqual(examples, []);
  assert.equal(config.storageAccountName, "stcontosotags");
  assert.equal(config.registryName, "crcontosotags");
  assert.equal(config.githubOwner, "Contoso");
  assert.equal(config.githubRepository, "st-check");
});

Deno.test("readConfig() reads every variable", () => {
  const { config } = readConfig(lookup({
    ...COMPLETE,
    INFRA_LOCATION: "westeurope",
    INFRA_RESOURCE_GROUP: "rg-tags",
    INFRA_WORKSPACE: "log-tags",
    INFRA_RUNTIME_IDENTITY: "id-tags-run",
    INFRA_DEPLOYMENT_IDENTITY: "id-tags-deploy",
    INFRA_CONTAINER_GROUP: "tags-job",
    INFRA_SERVICETAGS_LOCATION: "eastus",
    INFRA_GITHUB_DEFAULT_BRANCH: "trunk",
    INFRA_ALERT_EMAILS:
      " a@contoso.example, b@contoso.example ,a@contoso.example",
    INFRA_BLOB_RETENTION_DAYS: "7",
    INFRA_LOG_RETENTION_DAYS: "90",
  }));

  assert.equal(config.location, "westeurope");
  assert.equal(config.resourceGroupName, "rg-tags");
  assert.equal(config.workspaceName, "log-tags");
  assert.equal(config.runtimeIdentityName, "id-tags-run");
  assert.equal(config.deploymentIdentityName, "id-tags-deploy");
  assert.equal(config.containerGroupName, "tags-job");
  assert.equal(config.serviceTagsLocation, "eastus");
  assert.equal(config.githubDefaultBranch, "trunk");
  assert.deepEqual(config.alertEmails, [
    "a@contoso.example",
    "b@contoso.example",
  ]);
  assert.equal(config.blobRetentionDays, 7);
  assert.equal(config.logRetentionDays, 90);
});

Deno.test("readConfig() treats an empty variable as unset", () => {
  const { config, examples } = readConfig(lookup({ INFRA_REGISTRY: "  " }));

  assert.equal(config.registryName, "crservicetagsexample");
  assert.equal(examples.includes("INFRA_REGISTRY"), true);
});

Deno.test("readConfig() rejects a storage account name Azure would refuse, naming the variable", () => {
  for (const name of ["St_Tags", "ab", "a".repeat(25)]) {
    rejects(
      { INFRA_STORAGE_ACCOUNT: name },
      `INFRA_STORAGE_ACCOUNT must be 3-24 lowercase letters or digits, unique across Azure, got "${name}"`,
    );
  }
});

Deno.test("readConfig() rejects malformed names of the other resources", () => {
  const cases: Record<string, string> = {
    INFRA_REGISTRY: "cr-tags",
    INFRA_LOCATION: "Japan East",
    INFRA_RESOURCE_GROUP: "rg tags",
    INFRA_CONTAINER_GROUP: "Tags-Job",
    INFRA_GITHUB_OWNER: "-contoso",
    INFRA_GITHUB_REPOSITORY: "contoso/st-check",
    INFRA_WORKSPACE: "log",
  };
  for (const [variable, value] of Object.entries(cases)) {
    rejects({ [variable]: value }, `${variable} must be`);
  }
});

Deno.test("readConfig() rejects a malformed alert address and an empty list", () => {
  rejects(
    { INFRA_ALERT_EMAILS: "ops@contoso.example, ops" },
    `INFRA_ALERT_EMAILS must be a comma-separated list of e-mail addresses, got "ops"`,
  );
  rejects(
    { INFRA_ALERT_EMAILS: " , " },
    "INFRA_ALERT_EMAILS must name at least one e-mail address",
  );
});

Deno.test("readConfig() keeps retention days within what Azure accepts", () => {
  rejects(
    { INFRA_BLOB_RETENTION_DAYS: "0" },
    "INFRA_BLOB_RETENTION_DAYS must be a whole number of days from 1 to 365",
  );
  rejects(
    { INFRA_BLOB_RETENTION_DAYS: "7.5" },
    "INFRA_BLOB_RETENTION_DAYS must be",
  );
  rejects(
    { INFRA_LOG_RETENTION_DAYS: "29" },
    "INFRA_LOG_RETENTION_DAYS must be a whole number of days from 30 to 730",
  );
});
