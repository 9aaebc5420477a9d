/**
 * Everything servicetags-checker needs in Azure and in GitHub, as one
 * Terraform stack: created by one `deploy`, removed by one `destroy`.
 *
 * @module
 */

import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ContainerRegistry } from "@cdktf/provider-azurerm/lib/container-registry/index.js";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config/index.js";
import { DataAzurermSubscription } from "@cdktf/provider-azurerm/lib/data-azurerm-subscription/index.js";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace/index.js";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider/index.js";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group/index.js";
import { GithubProvider } from "@cdktf/provider-github/lib/provider/index.js";
import type { InfraConfig } from "./config.ts";
import { JobAlerts } from "./constructs/alerts.ts";
import {
  DeploymentIdentity,
  environmentSubject,
} from "./constructs/deployment_identity.ts";
import { GitHubRepositorySetup } from "./constructs/github_repository.ts";
import { RuntimeIdentity } from "./constructs/runtime_identity.ts";
import { SnapshotStorage } from "./constructs/storage.ts";

/** Name of the stack, and of its folder under `cdktf.out/stacks/`. */
export const STACK_NAME = "servicetags-checker";

/** GitHub environment of the release workflow (tags `v*`). */
export const RELEASE_ENVIRONMENT = "release";

/** GitHub environment of the daily workflow (the default branch). */
export const DAILY_ENVIRONMENT = "daily";

/**
 * Where the state lives, relative to the stack's folder
 * (`infra/cdktf.out/stacks/servicetags-checker/`): `infra/`, outside the
 * synthesized output that every synth rewrites.
 */
export const STATE_PATH = `../../../terraform.${STACK_NAME}.tfstate`;

/**
 * Resource providers the stack and the workflows use. The deployment
 * identity cannot register one itself, so `az container create` relies on
 * Microsoft.ContainerInstance being registered here.
 */
export const RESOURCE_PROVIDERS = [
  "Microsoft.ContainerInstance",
  "Microsoft.ContainerRegistry",
  "Microsoft.Insights",
  "Microsoft.ManagedIdentity",
  "Microsoft.Network",
  "Microsoft.OperationalInsights",
  "Microsoft.Storage",
] as const;

/** The Azure resources and GitHub settings of one deployment. */
export class ServiceTagsCheckerStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: InfraConfig) {
    super(scope, id);

    new LocalBackend(this, { path: STATE_PATH });
    new AzurermProvider(this, "azurerm", {
      features: [{
        // The daily workflow makes its container group outside Terraform; a
        // group left behind by a failed run must not block `destroy`.
        resourceGroup: [{ preventDeletionIfContainsResources: false }],
        // Gone means gone: no soft-deleted workspace keeps the name taken.
        logAnalyticsWorkspace: [{ permanentlyDeleteOnDestroy: true }],
        // Containers are made through Azure Resource Manager, so Terraform
        // never needs the blob endpoint, nor a data-plane role to plan.
        storage: [{ dataPlaneAvailable: false }],
      }],
      // Shared keys are off on the storage account: should the provider
      // ever call the data plane, it must use Entra ID.
      storageUseAzuread: true,
      resourceProviderRegistrations: "none",
      resourceProvidersToRegister: [...RESOURCE_PROVIDERS],
    });
    // The token comes from GITHUB_TOKEN at deploy time, never from code.
    new GithubProvider(this, "github", { owner: config.githubOwner });

    const client = new DataAzurermClientConfig(this, "client", {});
    const subscription = new DataAzurermSubscription(this, "subscription", {});
    const tags = { application: "servicetags-checker", "managed-by": "cdktf" };

    const group = new ResourceGroup(this, "resource-group", {
      name: config.resourceGroupName,
      location: config.location,
      tags,
    });
    const common = {
      resourceGroupName: group.name,
      location: group.location,
      tags,
    };

    const storage = new SnapshotStorage(this, "storage", {
      ...common,
      name: config.storageAccountName,
      retentionDays: config.blobRetentionDays,
    });

    const registry = new ContainerRegistry(this, "registry", {
      ...common,
      name: config.registryName,
      sku: "Basic",
      // Identities pull and push through Entra ID; no registry password.
      adminEnabled: false,
      anonymousPullEnabled: false,
    });

    const workspace = new LogAnalyticsWorkspace(this, "workspace", {
      ...common,
      name: config.workspaceName,
      sku: "PerGB2018",
      retentionInDays: config.logRetentionDays,
    });

    const runtime = new RuntimeIdentity(this, "runtime", {
      ...common,
      name: config.runtimeIdentityName,
      subscriptionScope: subscription.id,
      roleSuffix: config.resourceGroupName,
      snapshotContainerId: storage.snapshots.id,
      reportContainerId: storage.reports.id,
      registryId: registry.id,
    });

    const repository = `${config.githubOwner}/${config.githubRepository}`;
    const deployment = new DeploymentIdentity(this, "deployment", {
      ...common,
      name: config.deploymentIdentityName,
      resourceGroupId: group.id,
      repository,
      environments: [RELEASE_ENVIRONMENT, DAILY_ENVIRONMENT],
      roleSuffix: config.resourceGroupName,
      registryId: registry.id,
      runtimeIdentityId: runtime.identity.id,
      workspaceId: workspace.id,
      reportContainerId: storage.reports.id,
    });

    new JobAlerts(this, "alerts", {
      ...common,
      workspaceId: workspace.id,
      emails: config.alertEmails,
    });

    const variables: Record<string, string> = {
      AZURE_CLIENT_ID: deployment.identity.clientId,
      AZURE_TENANT_ID: client.tenantId,
      AZURE_SUBSCRIPTION_ID: client.subscriptionId,
      AZURE_RESOURCE_GROUP: group.name,
      AZURE_LOCATION: config.location,
      ACR_NAME: registry.name,
      ACR_LOGIN_SERVER: registry.loginServer,
      STORAGE_ACCOUNT: storage.account.name,
      RUNTIME_IDENTITY_ID: runtime.identity.id,
      RUNTIME_IDENTITY_CLIENT_ID: runtime.identity.clientId,
      LOG_ANALYTICS_WORKSPACE_ID: workspace.id,
      // `az container create --log-analytics-workspace` matches the
      // workspace by name or by this GUID, not by its resource id.
      LOG_ANALYTICS_WORKSPACE_CUSTOMER_ID: workspace.workspaceId,
      CONTAINER_GROUP_NAME: config.containerGroupName,
      SERVICETAGS_LOCATION: config.serviceTagsLocation,
    };
    new GitHubRepositorySetup(this, "github-repository", {
      repository: config.githubRepository,
      environments: [
        { name: RELEASE_ENVIRONMENT, tagPattern: "v*" },
        { name: DAILY_ENVIRONMENT, branchPattern: config.githubDefaultBranch },
      ],
      variables,
    });

    this.outputs({
      resource_group: [group.name, "Resource group of the deployment."],
      storage_account: [
        storage.account.name,
        "Storage account with the servicetags and servicetags-report containers.",
      ],
      registry_login_server: [
        registry.loginServer,
        "Registry that holds the servicetags-checker image.",
      ],
      runtime_identity_id: [
        runtime.identity.id,
        "Identity the job runs as (--assign-identity, --acr-identity).",
      ],
      deployment_identity_client_id: [
        deployment.identity.clientId,
        "Client id GitHub Actions signs in with (AZURE_CLIENT_ID).",
      ],
      log_analytics_workspace_id: [
        workspace.id,
        "Workspace with the container logs (table ContainerInstanceLog_CL).",
      ],
      federated_subjects: [
        [RELEASE_ENVIRONMENT, DAILY_ENVIRONMENT]
          .map((environment) => environmentSubject(repository, environment))
          .join(" "),
        "Token subjects the deployment identity trusts.",
      ],
      github_repository: [
        repository,
        "Repository whose variables and environments were set.",
      ],
    });
  }

  private outputs(values: Record<string, [string, string]>): void {
    for (const [name, [value, description]] of Object.entries(values)) {
      new TerraformOutput(this, name, { value, description });
    }
  }
}
