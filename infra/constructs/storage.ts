/**
 * The storage account that keeps the snapshots and the change reports. It
 * accepts Entra ID only (no shared keys, no SAS), and it keeps every
 * overwritten or deleted blob for a while, so a bad write never loses a
 * snapshot.
 *
 * @module
 */

import { Construct } from "constructs";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account/index.js";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container/index.js";
import { REPORT_CONTAINER, SNAPSHOT_CONTAINER } from "../../src/store.ts";

/** Settings of {@linkcode SnapshotStorage}. */
export interface SnapshotStorageProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** Days soft delete keeps deleted blobs and containers. */
  readonly retentionDays: number;
  readonly tags: Record<string, string>;
}

/** The storage account and its two private containers. */
export class SnapshotStorage extends Construct {
  readonly account: StorageAccount;
  /** `servicetags`: `latest.json.gz` and the archive. */
  readonly snapshots: StorageContainer;
  /** `servicetags-report`: the JSON and Markdown change reports. */
  readonly reports: StorageContainer;

  constructor(scope: Construct, id: string, props: SnapshotStorageProps) {
    super(scope, id);

    this.account = new StorageAccount(this, "account", {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountKind: "StorageV2",
      accountTier: "Standard",
      // Zone-redundant: the store survives the loss of one datacenter.
      accountReplicationType: "ZRS",
      minTlsVersion: "TLS1_2",
      httpsTrafficOnlyEnabled: true,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      allowNestedItemsToBePublic: false,
      crossTenantReplicationEnabled: false,
      localUserEnabled: false,
      blobProperties: {
        // Every overwrite of latest.json.gz keeps the old bytes as a version.
        versioningEnabled: true,
        deleteRetentionPolicy: { days: props.retentionDays },
        containerDeleteRetentionPolicy: { days: props.retentionDays },
      },
      tags: props.tags,
    });

    // Created through Azure Resource Manager (storage_account_id), so
    // Terraform needs no data-plane access to make them.
    this.snapshots = new StorageContainer(this, "snapshots", {
      name: SNAPSHOT_CONTAINER,
      storageAccountId: this.account.id,
      containerAccessType: "private",
    });
    this.reports = new StorageContainer(this, "reports", {
      name: REPORT_CONTAINER,
      storageAccountId: this.account.id,
      containerAccessType: "private",
    });
  }
}
