/**
 * The endpoints of the Azure clouds the job runs in. One table feeds the
 * clients (management endpoint, token audiences, sign-in host, storage
 * suffix) and the production permission set in `deno.json`, whose network
 * allow-list a test compares with {@linkcode productionHosts}.
 *
 * @module
 */

import type { CloudName } from "./cli.ts";

/** Endpoints and audiences of one Azure cloud. */
export interface AzureCloud {
  readonly name: CloudName;
  /** Azure Resource Manager, where the Service Tag Discovery API lives. */
  readonly armEndpoint: string;
  /** Token scope for Resource Manager; `--arm-endpoint` does not change it. */
  readonly armScope: string;
  /** Microsoft Entra ID sign-in host for credentials that sign in there. */
  readonly authorityHost: string;
  /** Host suffix of Blob service endpoints: `<account>.<blobSuffix>`. */
  readonly blobSuffix: string;
  /** Token scope for Blob Storage. */
  readonly storageScope: string;
}

// Blob Storage accepts the same audience in every cloud; the account's own
// URL would also do, but a single audience lets one token serve both
// `--storage-account` and `--blob-endpoint`.
const STORAGE_SCOPE = "https://storage.azure.com/.default";

/** The clouds, by the names `--cloud` accepts. */
export const AZURE_CLOUDS: Readonly<Record<CloudName, AzureCloud>> = {
  AzurePublic: {
    name: "AzurePublic",
    armEndpoint: "https://management.azure.com",
    armScope: "https://management.azure.com/.default",
    authorityHost: "https://login.microsoftonline.com",
    blobSuffix: "blob.core.windows.net",
    storageScope: STORAGE_SCOPE,
  },
  AzureChinaCloud: {
    name: "AzureChinaCloud",
    armEndpoint: "https://management.chinacloudapi.cn",
    armScope: "https://management.chinacloudapi.cn/.default",
    authorityHost: "https://login.chinacloudapi.cn",
    blobSuffix: "blob.core.chinacloudapi.cn",
    storageScope: STORAGE_SCOPE,
  },
  AzureUSGovernment: {
    name: "AzureUSGovernment",
    armEndpoint: "https://management.usgovcloudapi.net",
    armScope: "https://management.usgovcloudapi.net/.default",
    authorityHost: "https://login.microsoftonline.us",
    blobSuffix: "blob.core.usgovcloudapi.net",
    storageScope: STORAGE_SCOPE,
  },
};

/**
 * The instance metadata service, where a managed identity gets its tokens
 * (the same link-local address in every cloud).
 */
export const IMDS_HOST = "169.254.169.254";

/** The cloud named by `--cloud`. */
export function azureCloud(name: CloudName): AzureCloud {
  return AZURE_CLOUDS[name];
}

/** The Blob service URL of a storage account in a cloud. */
export function blobEndpointOf(cloud: AzureCloud, account: string): string {
  return `https://${account}.${cloud.blobSuffix}`;
}

/**
 * Every host the job may reach in production, in any cloud: the network
 * allow-list of the `production` permission set.
 */
export function productionHosts(): string[] {
  const hosts = Object.values(AZURE_CLOUDS).flatMap((cloud) => [
    new URL(cloud.armEndpoint).host,
    new URL(cloud.authorityHost).host,
    `*.${cloud.blobSuffix}`,
  ]);
  return [...hosts, IMDS_HOST];
}
