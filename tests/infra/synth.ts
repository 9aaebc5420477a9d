/**
 * Synthesizes the stack in memory for the infra tests, and finds resources
 * in the Terraform JSON. Not a test file itself.
 *
 * @module
 */

import { Testing } from "cdktf";
import { readConfig } from "../../infra/config.ts";
import { ServiceTagsCheckerStack } from "../../infra/servicetags_stack.ts";

/** A resource block of the synthesized JSON, metadata removed. */
export type Block = Record<string, unknown>;

/** The synthesized stack: the text cdktf's matchers read, and its parse. */
export interface Synthesized {
  readonly text: string;
  readonly json: {
    provider: Record<string, Block[]>;
    resource: Record<string, Record<string, Block>>;
    data: Record<string, Record<string, Block>>;
    output: Record<string, Block>;
    terraform: Block;
  };
}

/** A resource and the name Terraform knows it by. */
export interface Found {
  readonly name: string;
  readonly body: Block;
}

/** Synthesizes the stack with the given `INFRA_*` variables. */
export function synthesize(env: Record<string, string> = {}): Synthesized {
  const { config } = readConfig((name) => env[name]);
  const outdir = Deno.makeTempDirSync({ prefix: "infra-test-" });
  try {
    const app = Testing.app({ outdir });
    const stack = new ServiceTagsCheckerStack(app, "test", config);
    const text = Testing.synth(stack);
    return { text, json: JSON.parse(text) };
  } finally {
    Deno.removeSync(outdir, { recursive: true });
  }
}

/** Every resource of one Terraform type. */
export function resources(stack: Synthesized, type: string): Found[] {
  return Object.entries(stack.json.resource[type] ?? {}).map((
    [name, body],
  ) => ({ name, body }));
}

/** The one resource of a type whose body passes the test; throws otherwise. */
export function only(
  stack: Synthesized,
  type: string,
  test: (body: Block) => boolean = () => true,
): Found {
  const found = resources(stack, type).filter((item) => test(item.body));
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.length}`);
  }
  return found[0]!;
}

/** The Terraform expression that reads an attribute of a resource. */
export function ref(type: string, found: Found, attribute: string): string {
  return `\${${type}.${found.name}.${attribute}}`;
}

/** A role assignment reduced to what it grants, for exact comparison. */
export interface Grant {
  readonly role: string;
  readonly scope: unknown;
}

/**
 * Every role assignment of one identity, as role (built-in name or custom
 * role reference) and scope, sorted for comparison.
 */
export function grantsOf(stack: Synthesized, identity: Found): Grant[] {
  const principal = ref(
    "azurerm_user_assigned_identity",
    identity,
    "principal_id",
  );
  return resources(stack, "azurerm_role_assignment")
    .filter(({ body }) => body.principal_id === principal)
    .map(({ body }) => ({
      role: String(body.role_definition_name ?? body.role_definition_id),
      scope: body.scope,
    }))
    .sort((a, b) =>
      `${a.role} ${a.scope}`.localeCompare(`${b.role} ${b.scope}`)
    );
}
