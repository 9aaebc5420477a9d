import assert from "node:assert/strict";
import { Testing } from "cdktf";
import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable/index.js";
import { type Found, only, ref, resources, synthesize } from "./synth.ts";

const stack = synthesize({
  INFRA_GITHUB_OWNER: "Contoso",
  INFRA_GITHUB_REPOSITORY: "st-check",
  INFRA_LOCATION: "westeurope",
});

function identity(name: string): Found {
  return only(
    stack,
    "azurerm_user_assigned_identity",
    (body) => body.name === name,
  );
}

function variables(from = stack): Record<string, unknown> {
  return Object.fromEntries(
    resources(from, "github_actions_variable").map(({ body }) => {
      assert.equal(body.repository, "st-check");
      return [body.variable_name, body.value];
    }),
  );
}

Deno.test("the repository variables name every Azure resource the workflows use", () => {
  const deployment = identity("id-servicetags-checker-deploy");
  const runtime = identity("id-servicetags-checker-runtime");
  const registry = only(stack, "azurerm_container_registry");
  const workspace = only(stack, "azurerm_log_analytics_workspace");
  const group = only(stack, "azurerm_resource_group");
  const account = only(stack, "azurerm_storage_account");
  const identityRef = (found: Found, attribute: string) =>
    ref("azurerm_user_assigned_identity", found, attribute);

  assert.deepEqual(variables(), {
    AZURE_CLIENT_ID: identityRef(deployment, "client_id"),
    AZURE_TENANT_ID: "${data.azurerm_client_config.client.tenant_id}",
    AZURE_SUBSCRIPTION_ID:
      "${data.azurerm_client_config.client.subscription_id}",
    AZURE_RESOURCE_GROUP: ref("azurerm_resource_group", group, "name"),
    AZURE_LOCATION: "westeurope",
    ACR_NAME: ref("azurerm_container_registry", registry, "name"),
    ACR_LOGIN_SERVER: ref(
      "azurerm_container_registry",
      registry,
      "login_server",
    ),
    STORAGE_ACCOUNT: ref("azurerm_storage_account", account, "name"),
    RUNTIME_IDENTITY_ID: identityRef(runtime, "id"),
    RUNTIME_IDENTITY_CLIENT_ID: identityRef(runtime, "client_id"),
    LOG_ANALYTICS_WORKSPACE_ID: ref(
      "azurerm_log_analytics_workspace",
      workspace,
      "id",
    ),
    LOG_ANALYTICS_WORKSPACE_CUSTOMER_ID: ref(
      "azurerm_log_analytics_workspace",
      workspace,
      "workspace_id",
    ),
    CONTAINER_GROUP_NAME: "servicetags-checker",
    SERVICETAGS_LOCATION: "japaneast",
  });
  assert.ok(
    Testing.toHaveResourceWithProperties(
      stack.text,
      ActionsVariable.tfResourceType,
      { variable_name: "AZURE_CLIENT_ID" },
    ),
  );
});

Deno.test("the container group name and Discovery API location come from the configuration", () => {
  const custom = synthesize({
    INFRA_GITHUB_REPOSITORY: "st-check",
    INFRA_CONTAINER_GROUP: "tags-job",
    INFRA_SERVICETAGS_LOCATION: "eastus",
  });

  assert.equal(variables(custom).CONTAINER_GROUP_NAME, "tags-job");
  assert.equal(variables(custom).SERVICETAGS_LOCATION, "eastus");
});

Deno.test("no secret is stored in GitHub, nor anywhere else in the stack", () => {
  const types = [
    ...Object.keys(stack.json.resource),
    ...Object.keys(stack.json.data),
  ];

  assert.deepEqual(types.filter((type) => /secret/i.test(type)), []);
  assert.ok(!Testing.toHaveResource(stack.text, "github_actions_secret"));
  for (
    const attribute of [
      "primary_shared_key",
      "secondary_shared_key",
      "primary_access_key",
      "connection_string",
      "admin_password",
      "client_secret",
    ]
  ) {
    assert.ok(!stack.text.includes(attribute), `${attribute} is referenced`);
  }
});

Deno.test("the GitHub provider gets its token from the environment, not from code", () => {
  assert.deepEqual(stack.json.provider.github, [{ owner: "Contoso" }]);
});

Deno.test("the release environment accepts v* tags and the daily environment the default branch", () => {
  const environments = resources(stack, "github_repository_environment");
  const policies = resources(
    stack,
    "github_repository_environment_deployment_policy",
  )
    .map(({ body }) => body);

  assert.deepEqual(
    environments.map(({ body }) => body).sort((a, b) =>
      String(a.environment).localeCompare(String(b.environment))
    ),
    ["daily", "release"].map((environment) => ({
      environment,
      repository: "st-check",
      deployment_branch_policy: {
        protected_branches: false,
        custom_branch_policies: true,
      },
    })),
  );
  const environmentRef = (name: string) =>
    ref(
      "github_repository_environment",
      only(
        stack,
        "github_repository_environment",
        (body) => body.environment === name,
      ),
      "environment",
    );
  assert.deepEqual(
    policies.sort((a, b) =>
      String(a.environment).localeCompare(String(b.environment))
    ),
    [
      {
        repository: "st-check",
        environment: environmentRef("daily"),
        branch_pattern: "main",
      },
      {
        repository: "st-check",
        environment: environmentRef("release"),
        tag_pattern: "v*",
      },
    ],
  );
});

Deno.test("the daily environment follows the configured default branch", () => {
  const custom = synthesize({ INFRA_GITHUB_DEFAULT_BRANCH: "trunk" });
  const policy = only(
    custom,
    "github_repository_environment_deployment_policy",
    (body) => body.branch_pattern !== undefined,
  );

  assert.equal(policy.body.branch_pattern, "trunk");
});

Deno.test("every environment the federated credentials trust exists in the repository", () => {
  const subjects = resources(stack, "azurerm_federated_identity_credential")
    .map(({ body }) => body.subject)
    .sort();
  const environments = resources(stack, "github_repository_environment")
    .map(({ body }) => `repo:Contoso/st-check:environment:${body.environment}`)
    .sort();

  assert.deepEqual(subjects, environments);
});
