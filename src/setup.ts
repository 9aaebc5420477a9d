/**
 * Builds the source and the store that the options ask for. The Azure SDKs
 * are imported only on the paths that use them: they cost time and memory
 * at start-up that a run on local files does not need.
 *
 * @module
 */

import type { CliOptions } from "./cli.ts";
import { UsageError } from "./errors.ts";
import { FileSource } from "./file_source.ts";
import { LocalStore } from "./local_store.ts";
import type { Logger } from "./log.ts";
import type { Source } from "./source.ts";
import type { Store } from "./store.ts";

/** Creates the source named by `--source`. */
export function createSource(
  options: CliOptions,
  _logger: Logger,
): Promise<Source> {
  if (options.source.kind === "file") {
    return Promise.resolve(new FileSource(options.source.path));
  }
  // TODO(#3): the Service Tag Discovery API source.
  return Promise.reject(
    new UsageError("--source api is not available yet: pass --source FILE"),
  );
}

/** Creates the store named by `--store`, `--storage-account` or `--blob-endpoint`. */
export async function createStore(
  options: CliOptions,
  _logger: Logger,
): Promise<Store> {
  if (options.store.kind === "local") {
    await checkLocalFolder(options.store.directory);
    return new LocalStore(options.store.directory);
  }
  // TODO(#3): the Blob Storage store.
  throw new UsageError("the Blob store is not available yet: pass --store DIR");
}

async function checkLocalFolder(directory: string): Promise<void> {
  try {
    const info = await Deno.stat(directory);
    if (!info.isDirectory) {
      throw new UsageError(`--store ${directory} is a file, not a folder`);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
}
