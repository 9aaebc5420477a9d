/**
 * The identity GitHub Actions signs in as through OpenID Connect: no client
 * secret exists. Its roles cover exactly what the release and daily
 * workflows run: push the image, read its tags, create, watch and delete the
 * container group, and read the reports.
 *
 * @module
 */

import { Construct } from "constructs";
import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential/index.js";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity/index.js";
import { customRole, grant } from "./role.ts";

/** Issuer of the tokens GitHub Actions hands to a job with `id-token: write`. */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/** Audience Entra ID expects in a federated token. */
export const AZURE_TOKEN_AUDIENCE = "api://AzureADTokenExchange";

/** Everything `az container create/show/logs/delete` does to a group. */
export const CONTAINER_GROUP_ACTIONS = [
  "Microsoft.ContainerInstance/containerGroups/*",
  // az reads the group's location when --location is not given.
  "Microsoft.Resources/subscriptions/resourceGroups/read",
] as const;

/**
 * What the daily workflow needs to send the container's logs to the
 * workspace: `az monitor log-analytics workspace get-shared-keys` on this one
 * workspace. It passes the key, with the workspace's GUID, to
 * `az container create`, which then looks nothing up itself.
 */
export const WORKSPACE_KEY_ACTIONS = [
  "Microsoft.OperationalInsights/workspaces/sharedKeys/action",
] as const;

/**
 * What `az acr login` and `az acr repository show-tags` read through Azure
 * Resource Manager to find the registry's login server; AcrPush has no
 * management-plane read.
 */
export const REGISTRY_READ_ACTIONS = [
  "Microsoft.ContainerRegistry/registries/read",
] as const;

/** Settings of {@linkcode DeploymentIdentity}. */
export interface DeploymentIdentityProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly resourceGroupId: string;
  readonly location: string;
  /** `owner/repository` as GitHub spells it: subjects are case-sensitive. */
  readonly repository: string;
  /** Environments whose jobs sign in; one federated credential each. */
  readonly environments: readonly string[];
  /** Makes the custom roles' tenant-wide names unique to this deployment. */
  readonly roleSuffix: string;
  readonly registryId: string;
  readonly runtimeIdentityId: string;
  readonly workspaceId: string;
  readonly reportContainerId: string;
  readonly tags: Record<string, string>;
}

/** The subject GitHub puts in the token of a job that uses an environment. */
export function environmentSubject(
  repository: string,
  environment: string,
): string {
  return `repo:${repository}:environment:${environment}`;
}

/** The workflows' user-assigned identity, its trust and its roles. */
export class DeploymentIdentity extends Construct {
  readonly identity: UserAssignedIdentity;

  constructor(scope: Construct, id: string, props: DeploymentIdentityProps) {
    super(scope, id);

    this.identity = new UserAssignedIdentity(this, "identity", {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags,
    });

    this.trustGitHub(props);
    this.grantRegistry(props);
    this.grantContainerGroups(props);
    this.grantReports(props);
  }

  private trustGitHub(props: DeploymentIdentityProps): void {
    let previous: FederatedIdentityCredential | undefined;
    for (const environment of props.environments) {
      const credential: FederatedIdentityCredential =
        new FederatedIdentityCredential(this, `github-${environment}`, {
          name: `github-${environment}`,
          resourceGroupName: props.resourceGroupName,
          parentId: this.identity.id,
          issuer: GITHUB_OIDC_ISSUER,
          audience: [AZURE_TOKEN_AUDIENCE],
          subject: environmentSubject(props.repository, environment),
          // Azure refuses concurrent writes of credentials on one identity.
          dependsOn: previous ? [previous] : undefined,
        });
      previous = credential;
    }
  }

  private grantRegistry(props: DeploymentIdentityProps): void {
    const principalId = this.identity.principalId;
    grant(this, "acr-push", {
      principalId,
      scope: props.registryId,
      role: "AcrPush",
      description: "release workflow: push the image and list its tags.",
    });
    const registryReader = customRole(this, "registry-reader", {
      name: `Registry Metadata Reader (${props.roleSuffix})`,
      description:
        "Reads a container registry's properties (login server), no content.",
      scope: props.resourceGroupId,
      actions: [...REGISTRY_READ_ACTIONS],
    });
    grant(this, "registry-read", {
      principalId,
      scope: props.registryId,
      role: registryReader,
      description: "workflows: let az find the registry's login server.",
    });
  }

  private grantContainerGroups(props: DeploymentIdentityProps): void {
    const principalId = this.identity.principalId;
    const operator = customRole(this, "container-group-operator", {
      name: `Container Group Operator (${props.roleSuffix})`,
      description:
        "Creates, reads, reads logs of and deletes container groups, nothing else.",
      scope: props.resourceGroupId,
      actions: [...CONTAINER_GROUP_ACTIONS],
    });
    grant(this, "container-groups", {
      principalId,
      scope: props.resourceGroupId,
      role: operator,
      description: "daily workflow: run the job as a container group.",
    });
    grant(this, "runtime-identity-operator", {
      principalId,
      scope: props.runtimeIdentityId,
      role: "Managed Identity Operator",
      description:
        "daily workflow: attach the runtime identity to the container group.",
    });

    const keyReader = customRole(this, "workspace-key-reader", {
      name: `Log Analytics Shared Key Reader (${props.roleSuffix})`,
      description:
        "Reads the shared key of a Log Analytics workspace, for container logs.",
      scope: props.resourceGroupId,
      actions: [...WORKSPACE_KEY_ACTIONS],
    });
    grant(this, "workspace-key", {
      principalId,
      scope: props.workspaceId,
      role: keyReader,
      description:
        "daily workflow: let az container create send the logs to the workspace.",
    });
  }

  private grantReports(props: DeploymentIdentityProps): void {
    grant(this, "report-reader", {
      principalId: this.identity.principalId,
      scope: props.reportContainerId,
      role: "Storage Blob Data Reader",
      description:
        "daily workflow: download the change report for the summary.",
    });
  }
}
