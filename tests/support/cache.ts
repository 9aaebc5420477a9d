/**
 * The cache folder that tests share across runs (`~/.cache/servicetags-checker`,
 * the folder `.ci/run` installs Deno into), and a lock for work that
 * parallel test files must not do twice at once.
 *
 * @module
 */

import { join } from "node:path";

/** `$XDG_CACHE_HOME/servicetags-checker`, or `~/.cache/servicetags-checker`. */
export function cacheRoot(): string {
  const base = Deno.env.get("XDG_CACHE_HOME") ??
    join(Deno.env.get("HOME") ?? "/tmp", ".cache");
  return join(base, "servicetags-checker");
}

/**
 * Runs `work` while holding an exclusive lock on `lockFile`. The kernel
 * releases the lock when the process dies, so a killed test run cannot
 * leave it held.
 */
export async function withFileLock<T>(
  lockFile: string,
  work: () => Promise<T>,
): Promise<T> {
  const file = await Deno.open(lockFile, { write: true, create: true });
  try {
    await file.lock(true);
    return await work();
  } finally {
    file.close();
  }
}
