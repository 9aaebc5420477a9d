import assert from "node:assert/strict";
import { Testing } from "cdktf";
import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential/index.js";
import { REPORT_CONTAINER } from "../../src/store.ts";
import {
  type Found,
  grantsOf,
  only,
  ref,
  resources,
  synthesize,
} from "./synth.ts";

const stack = synthesize({
  INFRA_GITHUB_OWNER: "Contoso",
  INFRA_GITHUB_REPOSITORY: "st-check",
  INFRA_RESOURCE_GROUP: "rg-tags",
});
const deployment = only(
  stack,
  "azurerm_user_assigned_identity",
  (body) => body.name === "id-servicetags-checker-deploy",
);
const group = only(stack, "azurerm_resource_group");
const groupId = ref("azurerm_resource_group", group, "id");

function customRole(prefix: string): Found {
  return only(
    stack,
    "azurerm_role_definition",
    (body) => String(body.name).startsWith(prefix),
  );
}

function roleId(role: Found): string {
  return ref("azurerm_role_definition", role, "role_definition_resource_id");
}

Deno.test("GitHub Actions signs in through OIDC for the release and daily environments only", () => {
  const credentials = resources(stack, "azurerm_federated_identity_credential")
    .map(({ body }) => ({
      name: body.name,
      issuer: body.issuer,
      audience: body.audience,
      subject: body.subject,
      parent_id: body.parent_id,
    }));
  const parent = ref("azurerm_user_assigned_identity", deployment, "id");

  assert.deepEqual(
    credentials.sort((a, b) => String(a.name).localeCompare(String(b.name))),
    [
      {
        name: "github-daily",
        issuer: "https://token.actions.githubusercontent.com",
        audience: ["api://AzureADTokenExchange"],
        subject: "repo:Contoso/st-check:environment:daily",
        parent_id: parent,
      },
      {
        name: "github-release",
        issuer: "https://token.actions.githubusercontent.com",
        audience: ["api://AzureADTokenExchange"],
        subject: "repo:Contoso/st-check:environment:release",
        parent_id: parent,
      },
    ],
  );
  assert.ok(
    Testing.toHaveResourceWithProperties(
      stack.text,
      FederatedIdentityCredential.tfResourceType,
      { subject: "repo:Contoso/st-check:environment:release" },
    ),
  );
});

Deno.test("the federated credentials are written one after the other", () => {
  const release = only(
    stack,
    "azurerm_federated_identity_credential",
    (body) => body.name === "github-release",
  );
  const daily = only(
    stack,
    "azurerm_federated_identity_credential",
    (body) => body.name === "github-daily",
  );

  assert.equal(release.body.depends_on, undefined);
  assert.deepEqual(daily.body.depends_on, [
    `azurerm_federated_identity_credential.${release.name}`,
  ]);
});

Deno.test("the container group role holds only container group actions, in the resource group", () => {
  assert.deepEqual(customRole("Container Group Operator").body, {
    name: "Container Group Operator (rg-tags)",
    description:
      "Creates, reads, reads logs of and deletes container groups, nothing else.",
    scope: groupId,
    assignable_scopes: [groupId],
    permissions: [{
      actions: [
        "Microsoft.ContainerInstance/containerGroups/*",
        "Microsoft.Resources/subscriptions/resourceGroups/read",
      ],
      not_actions: [],
    }],
  });
});

Deno.test("the workspace role holds only the shared key action", () => {
  const role = customRole("Log Analytics Shared Key Reader");

  assert.deepEqual(role.body.permissions, [{
    actions: [
      "Microsoft.OperationalInsights/workspaces/sharedKeys/action",
    ],
    not_actions: [],
  }]);
  assert.deepEqual(role.body.assignable_scopes, [groupId]);
});

Deno.test("the registry role holds only the registry read action", () => {
  const role = customRole("Registry Metadata Reader");

  assert.deepEqual(role.body.permissions, [{
    actions: ["Microsoft.ContainerRegistry/registries/read"],
    not_actions: [],
  }]);
  assert.deepEqual(role.body.assignable_scopes, [groupId]);
});

Deno.test("the deployment identity gets exactly the roles the workflows use, each on the narrowest scope", () => {
  const registryId = ref(
    "azurerm_container_registry",
    only(stack, "azurerm_container_registry"),
    "id",
  );
  const runtimeId = ref(
    "azurerm_user_assigned_identity",
    only(
      stack,
      "azurerm_user_assigned_identity",
      (body) => body.name === "id-servicetags-checker-runtime",
    ),
    "id",
  );
  const workspaceId = ref(
    "azurerm_log_analytics_workspace",
    only(stack, "azurerm_log_analytics_workspace"),
    "id",
  );
  const reportsId = ref(
    "azurerm_storage_container",
    only(
      stack,
      "azurerm_storage_container",
      (body) => body.name === REPORT_CONTAINER,
    ),
    "id",
  );
  const expected = [
    { role: "AcrPush", scope: registryId },
    { role: roleId(customRole("Registry Metadata Reader")), scope: registryId },
    { role: roleId(customRole("Container Group Operator")), scope: groupId },
    { role: "Managed Identity Operator", scope: runtimeId },
    {
      role: roleId(customRole("Log Analytics Shared Key Reader")),
      scope: workspaceId,
    },
    { role: "Storage Blob Data Reader", scope: reportsId },
  ].sort((a, b) =>
    `${a.role} ${a.scope}`.localeCompare(`${b.role} ${b.scope}`)
  );

  assert.deepEqual(grantsOf(stack, deployment), expected);
});

Deno.test("no identity gets a broad built-in role", () => {
  const broad = ["Owner", "Contributor", "Reader", "User Access Administrator"];
  const names = resources(stack, "azurerm_role_assignment")
    .map(({ body }) => body.role_definition_name)
    .filter((name) => name !== undefined);

  assert.deepEqual(names.filter((name) => broad.includes(String(name))), []);
});
