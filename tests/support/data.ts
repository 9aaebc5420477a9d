/**
 * Finds the real Service Tags files that the tests and benchmarks use:
 * `../shared/data/servicetags/` beside the repository, or the folder named by
 * `SERVICETAGS_TEST_DATA`.
 *
 * @module
 */

import { join } from "node:path";

/** The folder holding the real weekly Service Tags files. */
export function dataFolder(): string {
  const configured = Deno.env.get("SERVICETAGS_TEST_DATA");
  if (configured) return configured;
  const root = new URL("../../", import.meta.url).pathname;
  return join(root, "..", "shared", "data", "servicetags");
}

/**
 * The path of one real data file.
 *
 * @throws {Error} saying where the data was looked for, when it is missing.
 */
export function dataFile(name: string): string {
  const path = join(dataFolder(), name);
  try {
    Deno.statSync(path);
  } catch {
    throw new Error(
      `test data ${path} is missing: put the shared data beside the repository or set SERVICETAGS_TEST_DATA`,
    );
  }
  return path;
}
