import assert from "node:assert/strict";
import { helpText, OPTIONS, parseCli, parseDuration } from "../src/cli.ts";
import { UsageError } from "../src/errors.ts";

const noEnv = (_name: string): string | undefined => undefined;
const envOf = (values: Record<string, string>) => (name: string) =>
  values[name];

function usageError(args: string[], env = noEnv): string {
  try {
    parseCli(args, env);
  } catch (error) {
    assert.ok(error instanceof UsageError, `unexpected ${error}`);
    return error.message;
  }
  assert.fail(`${args.join(" ")} should be rejected`);
}

Deno.test("parseCli() defaults to the API source and a local store", () => {
  const options = parseCli([], noEnv);
  assert.deepEqual(options.source, { kind: "api" });
  assert.deepEqual(options.store, {
    kind: "local",
    directory: "./servicetags-data",
  });
  assert.equal(options.format, "text");
  assert.equal(options.azure.location, "japaneast");
  assert.equal(options.azure.cloud, "AzurePublic");
  assert.equal(options.azure.identityTimeoutMs, 180_000);
  assert.equal(options.timeoutMs, 600_000);
  assert.deepEqual(options.only, []);
  assert.equal(options.dryRun, false);
});

Deno.test("parseCli() reads a file source, a store and the report options", () => {
  const options = parseCli([
    "--source",
    "week.json",
    "--store",
    "/tmp/x",
    "--only",
    "AzureCloud.japaneast,Storage.*",
    "--accept-large-change",
    "--dry-run",
    "--format",
    "json",
    "--verbose",
  ], noEnv);
  assert.deepEqual(options.source, { kind: "file", path: "week.json" });
  assert.deepEqual(options.store, { kind: "local", directory: "/tmp/x" });
  assert.deepEqual(options.only, ["AzureCloud.japaneast", "Storage.*"]);
  assert.ok(options.acceptLargeChange && options.dryRun && options.verbose);
  assert.equal(options.format, "json");
});

Deno.test("parseCli() takes each option from its environment variable", () => {
  const options = parseCli(
    [],
    envOf({
      SERVICETAGS_SOURCE: "week.json",
      SERVICETAGS_ONLY: "Storage.*",
      SERVICETAGS_FORMAT: "json",
      SERVICETAGS_DRY_RUN: "true",
      SERVICETAGS_STORAGE_ACCOUNT: "stservicetags",
      SERVICETAGS_LOCATION: "westeurope",
      SERVICETAGS_CLOUD: "AzureUSGovernment",
      SERVICETAGS_IDENTITY_TIMEOUT: "90s",
      SERVICETAGS_TIMEOUT: "5m",
      AZURE_SUBSCRIPTION_ID: "0000-1111",
    }),
  );
  assert.deepEqual(options.source, { kind: "file", path: "week.json" });
  assert.deepEqual(options.only, ["Storage.*"]);
  assert.equal(options.format, "json");
  assert.equal(options.dryRun, true);
  assert.deepEqual(options.store, {
    kind: "blob",
    account: "stservicetags",
    snapshotContainer: "servicetags",
    reportContainer: "servicetags-report",
  });
  assert.equal(options.azure.location, "westeurope");
  assert.equal(options.azure.cloud, "AzureUSGovernment");
  assert.equal(options.azure.subscription, "0000-1111");
  assert.equal(options.azure.identityTimeoutMs, 90_000);
  assert.equal(options.timeoutMs, 300_000);
});

Deno.test("a flag wins over its environment variable", () => {
  const options = parseCli(
    ["--format", "text", "--source", "b.json"],
    envOf({ SERVICETAGS_FORMAT: "json", SERVICETAGS_SOURCE: "a.json" }),
  );
  assert.equal(options.format, "text");
  assert.deepEqual(options.source, { kind: "file", path: "b.json" });
});

Deno.test("parseCli() rejects unknown flags, bad values and conflicting stores", () => {
  assert.match(
    usageError(["--sauce", "x"]),
    /Unknown option '--sauce'; see --help/,
  );
  assert.match(usageError(["stray"]), /; see --help/);
  assert.equal(
    usageError(["--format", "yaml"]),
    '--format "yaml" is not one of text, json',
  );
  assert.equal(
    usageError(["--cloud", "Mars"]),
    '--cloud "Mars" is not one of AzurePublic, AzureChinaCloud, AzureUSGovernment',
  );
  assert.equal(
    usageError(["--timeout", "soon"]),
    '--timeout "soon" is not a duration such as 90s, 3m or 1h',
  );
  assert.equal(
    usageError(["--storage-account", "Not_Valid"]),
    '--storage-account "Not_Valid" is not a storage account name (3 to 24 lowercase letters and digits)',
  );
  assert.match(
    usageError(["--store", "x", "--storage-account", "abc"]),
    /choose one/,
  );
  assert.match(
    usageError([
      "--blob-endpoint",
      "https://a.blob.core.windows.net/?sv=1&sig=x",
    ]),
    /no SAS tokens/,
  );
  assert.match(usageError(["--arm-endpoint", "not a url"]), /is not a URL/);
  assert.match(
    usageError([
      "--blob-endpoint",
      "https://x",
      "--snapshot-container",
      "Bad_Name",
    ]),
    /is not a container name/,
  );
  assert.equal(
    usageError([], envOf({ SERVICETAGS_DRY_RUN: "maybe" })),
    'SERVICETAGS_DRY_RUN="maybe" is not a boolean: use true or false',
  );
});

Deno.test("parseDuration() reads seconds, minutes and hours", () => {
  assert.equal(parseDuration("x", "45"), 45_000);
  assert.equal(parseDuration("x", "90s"), 90_000);
  assert.equal(parseDuration("x", "3m"), 180_000);
  assert.equal(parseDuration("x", "1h"), 3_600_000);
  assert.equal(parseDuration("x", "250ms"), 250);
});

Deno.test("--help lists every option with its environment variable", () => {
  const help = helpText("1.2.3");
  for (const option of OPTIONS) {
    assert.ok(help.includes(`--${option.name}`), option.name);
    if (option.env) assert.ok(help.includes(`env ${option.env}`), option.env);
  }
  assert.match(
    help,
    /Exit codes: 0 baseline, unchanged or changed; 1 the run failed;/,
  );
});

Deno.test("the README's option table lists every option and environment variable", () => {
  const readme = Deno.readTextFileSync(
    new URL("../README.md", import.meta.url),
  );
  for (const option of OPTIONS) {
    const row = readme.split("\n").find((line) =>
      line.startsWith(`| \`--${option.name}`)
    );
    assert.ok(row, `README has no row for --${option.name}`);
    if (option.env) {
      assert.ok(
        row.includes(`\`${option.env}\``),
        `README row of --${option.name} names ${option.env}`,
      );
    }
  }
});
