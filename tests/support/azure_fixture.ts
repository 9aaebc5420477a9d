/**
 * Everything a test of the job against "Azure" needs, on this machine:
 * Azurite (behind a counting proxy) with the two containers the
 * infrastructure would create, the Discovery API stand-in, and a
 * managed-identity endpoint; plus the command line and environment that
 * point the job at them, as a container instance's would point it at Azure.
 *
 * @module
 */

import { REPORT_CONTAINER, SNAPSHOT_CONTAINER } from "../../src/store.ts";
import { type Azurite, createContainers, startAzurite } from "./azurite.ts";
import { type BlobProxy, startBlobProxy } from "./blob_proxy.ts";
import { dataFile } from "./data.ts";
import {
  type ApiDocument,
  type DiscoveryApi,
  readApiDocument,
  startDiscoveryApi,
} from "./discovery_api.ts";
import { type Imds, type ImdsOptions, startImds } from "./imds.ts";
import { type JobRun, runJobProcess, spawnJob } from "./job_process.ts";
import { type TestTls, testTls } from "./tls.ts";

/** The subscription the stand-in answers for. */
export const SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";

/** The client id of the test's user-assigned managed identity. */
export const CLIENT_ID = "5e2a3b1c-7d4f-4e8a-9b6c-0d1e2f3a4b5c";

/** Two consecutive weeks of AzureGovernment (changeNumbers 391 and 392). */
export const WEEK_1 = "ServiceTags_AzureGovernment_20260504.json";
export const WEEK_2 = "ServiceTags_AzureGovernment_20260511.json";

/** A running set of stand-ins. */
export interface AzureFixture {
  readonly tls: TestTls;
  readonly azurite: Azurite;
  readonly proxy: BlobProxy;
  readonly api: DiscoveryApi;
  readonly imds: Imds;
  /** The environment of the job's process. */
  readonly env: Record<string, string>;
  /** The job's arguments: the stand-ins, JSON output, and `extra`. */
  args(extra?: readonly string[]): string[];
  /** Runs the job to its end. */
  run(
    extra?: readonly string[],
    options?: { permissions?: readonly string[] },
  ): Promise<JobRun>;
  /** Starts the job without waiting for it. */
  spawn(extra?: readonly string[]): Deno.ChildProcess;
  /** Serves another week's file from the Discovery API stand-in. */
  serve(file: string): Promise<ApiDocument>;
  close(): Promise<void>;
}

/** Options of {@linkcode startAzureFixture}. */
export interface FixtureOptions {
  /** The week the API serves first. @default WEEK_1 */
  file?: string;
  imds?: ImdsOptions;
  /** Containers to create. @default the two default containers */
  containers?: readonly string[];
}

/** Starts the stand-ins; close the fixture in a `finally`. */
export async function startAzureFixture(
  options: FixtureOptions = {},
): Promise<AzureFixture> {
  const tls = await testTls();
  const document = await readApiDocument(
    dataFile(options.file ?? WEEK_1),
    SUBSCRIPTION,
  );
  const azurite = await startAzurite(tls);
  const proxy = startBlobProxy(tls, azurite.endpoint);
  const api = startDiscoveryApi(tls, SUBSCRIPTION, { document });
  const imds = startImds({ clientId: CLIENT_ID, ...options.imds });
  try {
    await createContainers(
      azurite.endpoint,
      options.containers ?? [SNAPSHOT_CONTAINER, REPORT_CONTAINER],
    );
  } catch (error) {
    await Promise.all([proxy.close(), api.close(), imds.close()]);
    await azurite.close();
    throw error;
  }

  const env = {
    NODE_EXTRA_CA_CERTS: tls.trustFile,
    AZURE_CLIENT_ID: CLIENT_ID,
    AZURE_POD_IDENTITY_AUTHORITY_HOST: imds.url,
  };
  const args = (extra: readonly string[] = []) => [
    "--subscription",
    SUBSCRIPTION,
    "--arm-endpoint",
    api.url,
    "--blob-endpoint",
    proxy.endpoint,
    "--format",
    "json",
    ...extra,
  ];

  return {
    tls,
    azurite,
    proxy,
    api,
    imds,
    env,
    args,
    run: (extra = [], runOptions = {}) =>
      runJobProcess({
        args: args(extra),
        env,
        ...(runOptions.permissions
          ? { permissions: runOptions.permissions }
          : {}),
      }),
    spawn: (extra = []) => spawnJob({ args: args(extra), env }),
    async serve(file: string) {
      const next = await readApiDocument(dataFile(file), SUBSCRIPTION);
      api.behaviour = { ...api.behaviour, document: next };
      return next;
    },
    async close() {
      await Promise.all([proxy.close(), api.close(), imds.close()]);
      await azurite.close();
    },
  };
}
