import assert from "node:assert/strict";
import { parseCli } from "../src/cli.ts";
import { UsageError } from "../src/errors.ts";
import { createSource, createStore } from "../src/setup.ts";
import { RecordingLogger } from "./support/recording_logger.ts";

const SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";
const envOf = (values: Record<string, string>) => (name: string) =>
  values[name];

function options(args: string[], env: Record<string, string> = {}) {
  return parseCli(args, envOf(env));
}

Deno.test("the API source without a subscription is a usage error that says how to give one", async () => {
  await assert.rejects(
    () => createSource(options([]), new RecordingLogger()),
    (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.equal(error.exitCode, 2);
      assert.match(
        error.message,
        /pass --subscription ID or set AZURE_SUBSCRIPTION_ID/,
      );
      return true;
    },
  );
});

Deno.test("a subscription that is not a GUID is a usage error", async () => {
  await assert.rejects(
    () =>
      createSource(
        options(["--subscription", "my-sub"]),
        new RecordingLogger(),
      ),
    UsageError,
    '--subscription "my-sub" is not a subscription id',
  );
});

Deno.test("the subscription can come from AZURE_SUBSCRIPTION_ID", async () => {
  const source = await createSource(
    options([], { AZURE_SUBSCRIPTION_ID: SUBSCRIPTION }),
    new RecordingLogger(),
  );
  assert.equal(
    source.description,
    `Service Tag Discovery API at https://management.azure.com (subscription ${SUBSCRIPTION}, location japaneast)`,
  );
});

Deno.test("--cloud picks the management endpoint; --arm-endpoint replaces it", async () => {
  const china = await createSource(
    options(["--subscription", SUBSCRIPTION, "--cloud", "AzureChinaCloud"]),
    new RecordingLogger(),
  );
  assert.match(
    china.description,
    /at https:\/\/management\.chinacloudapi\.cn /,
  );
  const local = await createSource(
    options([
      "--subscription",
      SUBSCRIPTION,
      "--arm-endpoint",
      "https://127.0.0.1:8443",
    ]),
    new RecordingLogger(),
  );
  assert.match(local.description, /at https:\/\/127\.0\.0\.1:8443 /);
});

Deno.test("--storage-account gets its endpoint from the cloud's storage suffix", async () => {
  const store = await createStore(
    options([
      "--storage-account",
      "stchecker",
      "--cloud",
      "AzureUSGovernment",
    ]),
    new RecordingLogger(),
  );
  assert.equal(
    store.description,
    "Blob Storage https://stchecker.blob.core.usgovcloudapi.net",
  );
});

Deno.test("plain http endpoints are refused: the job sends a bearer token to them", async () => {
  await assert.rejects(
    () =>
      createStore(
        options(["--blob-endpoint", "http://127.0.0.1:10000/devstoreaccount1"]),
        new RecordingLogger(),
      ),
    UsageError,
    "--blob-endpoint http://127.0.0.1:10000/devstoreaccount1 must be an https:// URL",
  );
  await assert.rejects(
    () =>
      createSource(
        options([
          "--subscription",
          SUBSCRIPTION,
          "--arm-endpoint",
          "http://127.0.0.1:8080",
        ]),
        new RecordingLogger(),
      ),
    UsageError,
    "--arm-endpoint http://127.0.0.1:8080 must be an https:// URL",
  );
});
