import assert from "node:assert/strict";
import { Testing } from "cdktf";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account/index.js";
import { REPORT_CONTAINER, SNAPSHOT_CONTAINER } from "../../src/store.ts";
import { only, ref, resources, synthesize } from "./synth.ts";

const stack = synthesize();
const account = only(stack, "azurerm_storage_account");

Deno.test("the storage account accepts Entra ID only: no shared keys, no public blobs", () => {
  assert.ok(
    Testing.toHaveResourceWithProperties(
      stack.text,
      StorageAccount.tfResourceType,
      {
        shared_access_key_enabled: false,
        allow_nested_items_to_be_public: false,
        default_to_oauth_authentication: true,
        local_user_enabled: false,
        cross_tenant_replication_enabled: false,
      },
    ),
  );
});

Deno.test("the storage account is zone-redundant StorageV2 and requires TLS 1.2 over HTTPS", () => {
  assert.equal(account.body.account_kind, "StorageV2");
  assert.equal(account.body.account_tier, "Standard");
  assert.equal(account.body.account_replication_type, "ZRS");
  assert.equal(account.body.min_tls_version, "TLS1_2");
  assert.equal(account.body.https_traffic_only_enabled, true);
});

Deno.test("versioning and soft delete keep every overwritten or deleted snapshot", () => {
  assert.deepEqual(account.body.blob_properties, {
    versioning_enabled: true,
    delete_retention_policy: { days: 30 },
    container_delete_retention_policy: { days: 30 },
  });

  const custom = synthesize({ INFRA_BLOB_RETENTION_DAYS: "90" });
  assert.deepEqual(
    only(custom, "azurerm_storage_account").body.blob_properties,
    {
      versioning_enabled: true,
      delete_retention_policy: { days: 90 },
      container_delete_retention_policy: { days: 90 },
    },
  );
});

Deno.test("the storage account has the configured name", () => {
  const custom = synthesize({ INFRA_STORAGE_ACCOUNT: "stcontosotags" });

  assert.equal(
    only(custom, "azurerm_storage_account").body.name,
    "stcontosotags",
  );
});

Deno.test("the account holds exactly the job's two containers, both private", () => {
  const containers = resources(stack, "azurerm_storage_container")
    .map(({ body }) => body)
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));

  assert.deepEqual(containers, [
    {
      name: SNAPSHOT_CONTAINER,
      container_access_type: "private",
      storage_account_id: ref("azurerm_storage_account", account, "id"),
    },
    {
      name: REPORT_CONTAINER,
      container_access_type: "private",
      storage_account_id: ref("azurerm_storage_account", account, "id"),
    },
  ]);
});

Deno.test("the azurerm provider uses Entra ID for storage data-plane calls", () => {
  assert.ok(
    Testing.toHaveProviderWithProperties(stack.text, "azurerm", {
      storage_use_azuread: true,
    }),
  );
  assert.equal(stack.json.provider.azurerm?.[0]?.storage_use_azuread, true);
});
