/**
 * Helpers for tests that look at folders: list every file with its content
 * hash, to prove that a run left a store exactly as it was.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join, relative } from "node:path";

/** Every file under `root` (relative path → SHA-256 of its bytes). */
export async function folderState(
  root: string,
): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  async function walk(folder: string) {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory) await walk(path);
      else {state[relative(root, path)] = createHash("sha256").update(
          await Deno.readFile(path),
        ).digest("hex");}
    }
  }
  await walk(root);
  return state;
}

/** Writes a JSON document to a new temporary file and returns its path. */
export async function writeTempJson(
  document: unknown,
  folder?: string,
): Promise<string> {
  const path = await Deno.makeTempFile({
    suffix: ".json",
    ...(folder ? { dir: folder } : {}),
  });
  await Deno.writeTextFile(path, JSON.stringify(document));
  return path;
}
