/**
 * Builds the source and the store that the options ask for. The Azure SDKs
 * are imported only on the paths that use them: they cost time and memory
 * at start-up that a run on local files does not need.
 *
 * @module
 */

import type { TokenCredential } from "@azure/identity";
import { azureCloud, blobEndpointOf } from "./azure_cloud.ts";
import type { CliOptions } from "./cli.ts";
import { UsageError } from "./errors.ts";
import { FileSource } from "./file_source.ts";
import { LocalStore } from "./local_store.ts";
import type { Logger } from "./log.ts";
import type { Source } from "./source.ts";
import type { Store } from "./store.ts";

/** Creates the source named by `--source`. */
export async function createSource(
  options: CliOptions,
  logger: Logger,
): Promise<Source> {
  if (options.source.kind === "file") {
    return new FileSource(options.source.path);
  }

  const { subscription, location, armEndpoint } = options.azure;
  if (subscription === undefined) {
    throw new UsageError(
      "the Service Tag Discovery API needs a subscription: pass --subscription ID or set AZURE_SUBSCRIPTION_ID (or read a file with --source FILE)",
    );
  }
  if (!SUBSCRIPTION_ID.test(subscription)) {
    throw new UsageError(
      `--subscription "${subscription}" is not a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)`,
    );
  }
  if (armEndpoint !== undefined) requireHttps("arm-endpoint", armEndpoint);
  const { ApiSource } = await import("./api_source.ts");
  return new ApiSource({
    credential: await azureCredential(options, logger),
    cloud: azureCloud(options.azure.cloud),
    subscription,
    location,
    ...(armEndpoint === undefined ? {} : { armEndpoint }),
    logger,
  });
}

/** Creates the store named by `--store`, `--storage-account` or `--blob-endpoint`. */
export async function createStore(
  options: CliOptions,
  logger: Logger,
): Promise<Store> {
  if (options.store.kind === "local") {
    await checkLocalFolder(options.store.directory);
    return new LocalStore(options.store.directory);
  }

  const cloud = azureCloud(options.azure.cloud);
  const { account, endpoint, snapshotContainer, reportContainer } =
    options.store;
  if (endpoint !== undefined) requireHttps("blob-endpoint", endpoint);
  const { BlobStore } = await import("./blob_store.ts");
  return new BlobStore({
    credential: await azureCredential(options, logger),
    endpoint: endpoint ?? blobEndpointOf(cloud, account ?? ""),
    snapshotContainer,
    reportContainer,
    scope: cloud.storageScope,
    logger,
  });
}

const SUBSCRIPTION_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// One credential per run, shared by the source and the store, so that the
// start-up retries for the first token happen once.
const credentials = new WeakMap<CliOptions, Promise<TokenCredential>>();

function azureCredential(
  options: CliOptions,
  logger: Logger,
): Promise<TokenCredential> {
  let credential = credentials.get(options);
  if (credential === undefined) {
    credential = import("./credential.ts").then(({ createCredential }) =>
      createCredential({
        cloud: azureCloud(options.azure.cloud),
        identityTimeoutMs: options.azure.identityTimeoutMs,
        logger,
      })
    );
    credentials.set(options, credential);
  }
  return credential;
}

/** The SDKs send bearer tokens over HTTPS only; say so before they do. */
function requireHttps(flag: string, url: string): void {
  if (new URL(url).protocol !== "https:") {
    throw new UsageError(
      `--${flag} ${url} must be an https:// URL: the job sends a bearer token to it`,
    );
  }
}

async function checkLocalFolder(directory: string): Promise<void> {
  try {
    const info = await Deno.stat(directory);
    if (!info.isDirectory) {
      throw new UsageError(`--store ${directory} is a file, not a folder`);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
}
