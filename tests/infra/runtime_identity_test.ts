import assert from "node:assert/strict";
import { REPORT_CONTAINER, SNAPSHOT_CONTAINER } from "../../src/store.ts";
import { grantsOf, only, ref, synthesize } from "./synth.ts";

const stack = synthesize({ INFRA_RUNTIME_IDENTITY: "id-tags-run" });
const runtime = only(
  stack,
  "azurerm_user_assigned_identity",
  (body) => body.name === "id-tags-run",
);
const subscription = "${data.azurerm_subscription.subscription.id}";
const serviceTagsRole = only(
  stack,
  "azurerm_role_definition",
  (body) => String(body.name).startsWith("Service Tags Reader"),
);

function containerId(name: string): string {
  const container = only(
    stack,
    "azurerm_storage_container",
    (body) => body.name === name,
  );
  return ref("azurerm_storage_container", container, "id");
}

Deno.test("the Service Tags role holds only the serviceTags read action, instead of Reader", () => {
  assert.deepEqual(serviceTagsRole.body, {
    name: "Service Tags Reader (rg-servicetags-checker)",
    description:
      "Reads Azure Service Tags through the Discovery API, nothing else.",
    scope: subscription,
    assignable_scopes: [subscription],
    permissions: [{
      actions: ["Microsoft.Network/locations/serviceTags/read"],
      not_actions: [],
    }],
  });
});

Deno.test("the runtime identity gets exactly its four roles, each on the narrowest scope", () => {
  const registry = only(stack, "azurerm_container_registry");
  const expected = [
    {
      role: "AcrPull",
      scope: ref("azurerm_container_registry", registry, "id"),
    },
    {
      role: "Storage Blob Data Contributor",
      scope: containerId(SNAPSHOT_CONTAINER),
    },
    {
      role: "Storage Blob Data Contributor",
      scope: containerId(REPORT_CONTAINER),
    },
    {
      role: ref(
        "azurerm_role_definition",
        serviceTagsRole,
        "role_definition_resource_id",
      ),
      scope: subscription,
    },
  ].sort((a, b) =>
    `${a.role} ${a.scope}`.localeCompare(`${b.role} ${b.scope}`)
  );

  assert.deepEqual(grantsOf(stack, runtime), expected);
});

Deno.test("every role assignment names its principal type, so a new identity is found at once", () => {
  const assignments = Object.values(
    stack.json.resource.azurerm_role_assignment ?? {},
  );

  assert.equal(assignments.length, 10);
  for (const assignment of assignments) {
    assert.equal(assignment.principal_type, "ServicePrincipal");
  }
});
