/**
 * The CDKTF app: reads the configuration and synthesizes the one stack to
 * `infra/cdktf.out/stacks/servicetags-checker/cdk.tf.json`. Run it through
 * `deno task infra:synth` or cdktf-cli (see `cdktf.json`).
 *
 * @module
 */

import { App } from "cdktf";
import { ConfigError, readConfigFromEnv } from "./config.ts";
import { ServiceTagsCheckerStack, STACK_NAME } from "./servicetags_stack.ts";

function main(): void {
  const { config, examples } = readConfigFromEnv();
  if (examples.length > 0) {
    console.error(
      `note: using example values for ${
        examples.join(", ")
      }; set them before a real deploy (see the README).`,
    );
  }

  const app = new App();
  new ServiceTagsCheckerStack(app, STACK_NAME, config);
  app.synth();
}

try {
  main();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`error: ${error.message}`);
  Deno.exit(1);
}
