/**
 * What the workflows find in the GitHub repository: two environments whose
 * names the federated credentials trust, each limited to the refs that may
 * use it, and repository variables with the names and ids of the Azure
 * resources. Only identifiers are stored; there is no secret to store.
 *
 * @module
 */

import { Construct } from "constructs";
import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable/index.js";
import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment/index.js";
import { RepositoryEnvironmentDeploymentPolicy } from "@cdktf/provider-github/lib/repository-environment-deployment-policy/index.js";

/** One environment and the only ref pattern that may deploy to it. */
export interface EnvironmentPolicy {
  readonly name: string;
  /** Git tags that may use the environment, e.g. `v*`. */
  readonly tagPattern?: string;
  /** Branches that may use the environment. */
  readonly branchPattern?: string;
}

/** Settings of {@linkcode GitHubRepositorySetup}. */
export interface GitHubRepositorySetupProps {
  /** Repository name without the owner; the provider knows the owner. */
  readonly repository: string;
  readonly environments: readonly EnvironmentPolicy[];
  /** Repository variables by name. */
  readonly variables: Readonly<Record<string, string>>;
}

/** Environments, deployment policies and variables of the repository. */
export class GitHubRepositorySetup extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: GitHubRepositorySetupProps,
  ) {
    super(scope, id);

    for (const policy of props.environments) {
      const environment = new RepositoryEnvironment(
        this,
        `environment-${policy.name}`,
        {
          repository: props.repository,
          environment: policy.name,
          // Custom policies: only the patterns below may use the environment.
          deploymentBranchPolicy: {
            protectedBranches: false,
            customBranchPolicies: true,
          },
        },
      );
      new RepositoryEnvironmentDeploymentPolicy(
        this,
        `policy-${policy.name}`,
        {
          repository: props.repository,
          environment: environment.environment,
          tagPattern: policy.tagPattern,
          branchPattern: policy.branchPattern,
        },
      );
    }

    for (const [name, value] of Object.entries(props.variables)) {
      new ActionsVariable(this, `variable-${name}`, {
        repository: props.repository,
        variableName: name,
        value,
      });
    }
  }
}
