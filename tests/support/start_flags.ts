/**
 * The permission flags of `deno task start`, read from `deno.json`, so that
 * tests run the job with exactly what a workstation run gets.
 *
 * @module
 */

const config = JSON.parse(
  Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)),
);

/** The permission and V8 flags of the `start` task. */
export const START_FLAGS: readonly string[] = String(config.tasks.start)
  .split(/\s+/)
  .filter((word) =>
    word.startsWith("--allow-") || word.startsWith("--v8-flags=")
  );
