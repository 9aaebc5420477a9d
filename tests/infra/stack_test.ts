import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Testing } from "cdktf";
import { STACK_NAME } from "../../infra/servicetags_stack.ts";
import { type Block, only, resources, synthesize } from "./synth.ts";

const stack = synthesize();
const INFRA = fileURLToPath(new URL("../../infra/", import.meta.url));

/** This process's environment without any deployment configuration. */
function unconfigured(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([name]) =>
      !name.startsWith("INFRA_") && !name.startsWith("CDKTF_")
    ),
  );
}

/** Runs the `app` command of cdktf.json in infra/, as cdktf-cli would. */
async function runApp(env: Record<string, string>) {
  const cdktf = JSON.parse(await Deno.readTextFile(`${INFRA}cdktf.json`));
  const [program, ...args] = String(cdktf.app).split(" ");
  assert.equal(program, "deno");
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: INFRA,
    clearEnv: true,
    env: { ...unconfigured(), RUST_BACKTRACE: "0", NO_COLOR: "1", ...env },
  }).output();
  return {
    code: output.code,
    stderr: new TextDecoder().decode(output.stderr),
  };
}

Deno.test("the cdktf.json app writes cdk.tf.json with no configuration at all", async () => {
  const result = await runApp({});
  const path = `${INFRA}cdktf.out/stacks/${STACK_NAME}/cdk.tf.json`;
  const written = JSON.parse(await Deno.readTextFile(path));

  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /note: using example values for INFRA_STORAGE_ACCOUNT/,
  );
  assert.equal(
    Object.keys(written.resource.azurerm_storage_account ?? {}).length,
    1,
  );
});

Deno.test("the app stops with one line naming a malformed variable", async () => {
  const result = await runApp({ INFRA_STORAGE_ACCOUNT: "Not_Valid" });

  assert.equal(result.code, 1);
  assert.equal(result.stderr.trim().split("\n").length, 1);
  assert.match(result.stderr, /^error: INFRA_STORAGE_ACCOUNT must be /);
});

Deno.test("deno task infra:synth runs the same command as cdktf-cli", async () => {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const deno = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
  const cdktf = JSON.parse(await Deno.readTextFile(`${INFRA}cdktf.json`));

  assert.equal(deno.tasks["infra:synth"], `cd infra && ${cdktf.app}`);
});

Deno.test("the state file lives in infra/, outside the output every synth rewrites", () => {
  assert.deepEqual(stack.json.terraform.backend, {
    local: { path: `../../../terraform.${STACK_NAME}.tfstate` },
  });
});

Deno.test("the providers are the pinned prebuilt azurerm and integrations/github", () => {
  assert.deepEqual(stack.json.terraform.required_providers, {
    azurerm: { source: "azurerm", version: "4.55.0" },
    github: { source: "integrations/github", version: "6.9.0" },
  });
});

Deno.test("destroy removes the resource group even with a leftover container group", () => {
  const features = stack.json.provider.azurerm?.[0]?.features as Block[];

  assert.deepEqual(features[0]?.resource_group, [{
    prevent_deletion_if_contains_resources: false,
  }]);
});

Deno.test("destroy deletes the workspace for good, whatever the provider's default", () => {
  const features = stack.json.provider.azurerm?.[0]?.features as Block[];

  assert.deepEqual(features[0]?.log_analytics_workspace, [{
    permanently_delete_on_destroy: true,
  }]);
});

Deno.test("Terraform manages storage through Azure Resource Manager only", () => {
  const features = stack.json.provider.azurerm?.[0]?.features as Block[];

  assert.deepEqual(features[0]?.storage, [{ data_plane_available: false }]);
});

Deno.test("the deployment registers the resource providers the workflows need", () => {
  const azurerm = stack.json.provider.azurerm?.[0] ?? {};

  assert.equal(azurerm.resource_provider_registrations, "none");
  assert.ok(
    (azurerm.resource_providers_to_register as string[]).includes(
      "Microsoft.ContainerInstance",
    ),
  );
});

Deno.test("the registry is Basic, with no admin user and no anonymous pull", () => {
  assert.ok(
    Testing.toHaveResourceWithProperties(
      stack.text,
      "azurerm_container_registry",
      {
        name: "crservicetagsexample",
        sku: "Basic",
        admin_enabled: false,
        anonymous_pull_enabled: false,
      },
    ),
  );
});

Deno.test("every Azure resource lands in the configured resource group and region", () => {
  const custom = synthesize({
    INFRA_RESOURCE_GROUP: "rg-tags",
    INFRA_LOCATION: "westeurope",
  });
  const group = only(custom, "azurerm_resource_group");

  assert.equal(group.body.name, "rg-tags");
  assert.equal(group.body.location, "westeurope");
  for (
    const type of [
      "azurerm_storage_account",
      "azurerm_container_registry",
      "azurerm_log_analytics_workspace",
      "azurerm_user_assigned_identity",
      "azurerm_monitor_scheduled_query_rules_alert_v2",
    ]
  ) {
    for (const { body } of resources(custom, type)) {
      assert.equal(
        body.resource_group_name,
        `\${azurerm_resource_group.${group.name}.name}`,
      );
      assert.equal(
        body.location,
        `\${azurerm_resource_group.${group.name}.location}`,
      );
    }
  }
});

Deno.test("the outputs tell a person what was deployed", () => {
  assert.deepEqual(Object.keys(stack.json.output).sort(), [
    "deployment_identity_client_id",
    "federated_subjects",
    "github_repository",
    "log_analytics_workspace_id",
    "registry_login_server",
    "resource_group",
    "runtime_identity_id",
    "storage_account",
  ]);
  for (const output of Object.values(stack.json.output)) {
    assert.ok(String(output.description).length > 0);
  }
});
