/**
 * Role definitions and role assignments for the two managed identities.
 * Custom roles hold only the actions the workflows and the job call, where
 * a built-in role would grant more.
 *
 * @module
 */

import type { Construct } from "constructs";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment/index.js";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition/index.js";

/** What a custom role may do, and where it can be assigned. */
export interface CustomRoleProps {
  /** Role name; role names are unique across the whole Entra tenant. */
  readonly name: string;
  readonly description: string;
  /** Where the definition lives and the only scope it can be assigned in. */
  readonly scope: string;
  /** Control-plane actions, each one named in the README's roles table. */
  readonly actions: readonly string[];
}

/** Defines a custom role that can only be assigned within its own scope. */
export function customRole(
  scope: Construct,
  id: string,
  props: CustomRoleProps,
): RoleDefinition {
  return new RoleDefinition(scope, id, {
    name: props.name,
    description: props.description,
    scope: props.scope,
    assignableScopes: [props.scope],
    permissions: [{ actions: [...props.actions], notActions: [] }],
  });
}

/** One role for one managed identity on one scope. */
export interface GrantProps {
  /** Principal (object) id of the managed identity. */
  readonly principalId: string;
  /** Resource id the role applies to; keep it as narrow as the need. */
  readonly scope: string;
  /** A built-in role by name, or a custom role by its definition. */
  readonly role: string | RoleDefinition;
  /** Why the identity needs the role, shown in the portal. */
  readonly description: string;
}

/** Assigns a role to a managed identity. */
export function grant(
  scope: Construct,
  id: string,
  props: GrantProps,
): RoleAssignment {
  const role = typeof props.role === "string"
    ? { roleDefinitionName: props.role }
    : { roleDefinitionId: props.role.roleDefinitionResourceId };
  return new RoleAssignment(scope, id, {
    principalId: props.principalId,
    // A new identity takes a while to reach every Entra replica; naming the
    // principal type lets Azure skip the lookup that fails in that window.
    principalType: "ServicePrincipal",
    scope: props.scope,
    description: props.description,
    ...role,
  });
}
