/**
 * The identity the job runs as inside its container group: it reads the
 * Service Tags, reads and writes the two containers, and lets the container
 * group pull the image. Nothing else.
 *
 * @module
 */

import { Construct } from "constructs";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity/index.js";
import { customRole, grant } from "./role.ts";

/** The one action the Service Tags Discovery API checks. */
export const SERVICE_TAGS_READ = "Microsoft.Network/locations/serviceTags/read";

/** Settings of {@linkcode RuntimeIdentity}. */
export interface RuntimeIdentityProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** `/subscriptions/<id>`: the Discovery API is a subscription-level call. */
  readonly subscriptionScope: string;
  /** Makes the custom role's tenant-wide name unique to this deployment. */
  readonly roleSuffix: string;
  /** Resource id of the `servicetags` container. */
  readonly snapshotContainerId: string;
  /** Resource id of the `servicetags-report` container. */
  readonly reportContainerId: string;
  readonly registryId: string;
  readonly tags: Record<string, string>;
}

/** The job's user-assigned identity and its role assignments. */
export class RuntimeIdentity extends Construct {
  readonly identity: UserAssignedIdentity;

  constructor(scope: Construct, id: string, props: RuntimeIdentityProps) {
    super(scope, id);

    this.identity = new UserAssignedIdentity(this, "identity", {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags,
    });
    const principalId = this.identity.principalId;

    // Reader would also expose every resource in the subscription.
    const serviceTagsReader = customRole(this, "service-tags-reader", {
      name: `Service Tags Reader (${props.roleSuffix})`,
      description:
        "Reads Azure Service Tags through the Discovery API, nothing else.",
      scope: props.subscriptionScope,
      actions: [SERVICE_TAGS_READ],
    });
    grant(this, "service-tags", {
      principalId,
      scope: props.subscriptionScope,
      role: serviceTagsReader,
      description: "servicetags-checker job: read the Service Tags.",
    });

    // On the two containers, not the account: a container added later for
    // something else stays out of the job's reach.
    grant(this, "snapshot-writer", {
      principalId,
      scope: props.snapshotContainerId,
      role: "Storage Blob Data Contributor",
      description: "servicetags-checker job: read and write snapshots.",
    });
    grant(this, "report-writer", {
      principalId,
      scope: props.reportContainerId,
      role: "Storage Blob Data Contributor",
      description: "servicetags-checker job: write change reports.",
    });

    grant(this, "acr-pull", {
      principalId,
      scope: props.registryId,
      role: "AcrPull",
      description: "servicetags-checker container group: pull the job image.",
    });
  }
}
