/**
 * A store in a local directory, for workstations and offline use:
 *
 * ```text
 * DIR/servicetags/latest.json.gz           the current baseline
 * DIR/servicetags/archive/*.json.gz        one snapshot per distinct content
 * DIR/servicetags-report/*.json, *.md      one report pair per change
 * DIR/.servicetags-checker/state.json      which archive `latest` is (the commit point)
 * DIR/.servicetags-checker/lock            serializes the commit of two runs
 * DIR/.servicetags-checker/tmp/            files being written
 * ```
 *
 * Every file is written under `tmp/` and renamed into place, so no reader
 * ever sees half a file. `state.json` is renamed last, under an OS file lock
 * that the kernel releases when a process dies, so a killed run cannot
 * leave the store locked.
 *
 * @module
 */

import { join } from "node:path";
import { sha256Hex } from "./content_hash.ts";
import { StoreError } from "./errors.ts";
import { archiveName } from "./layout.ts";
import {
  type BaselineInfo,
  LATEST_NAME,
  type LatestEntry,
  REPORT_CONTAINER,
  SNAPSHOT_CONTAINER,
  type Store,
  type StoredItem,
  type StoreObject,
} from "./store.ts";

/** Folder for the store's own bookkeeping, beside the two containers. */
export const STATE_FOLDER = ".servicetags-checker";

interface State extends BaselineInfo {
  version: string;
  /** SHA-256 of the archived snapshot's bytes, as `readLatest` returns them. */
  storedSha256?: string;
  /** Name of the archived snapshot that `latest` is a copy of. */
  archive: string;
}

// Temporary files older than this were left by killed runs.
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

/** The local directory store. */
export class LocalStore implements Store {
  readonly description: string;
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
    this.description = `local directory ${root}`;
  }

  async latest(): Promise<LatestEntry | null> {
    const state = await this.#readState();
    if (state === null) return null;
    const { cloud, changeNumber, sha256, version, documentSha256 } = state;
    const { storedSha256 } = state;
    return {
      cloud,
      changeNumber,
      sha256,
      version,
      ...(documentSha256 === undefined ? {} : { documentSha256 }),
      ...(storedSha256 === undefined ? {} : { storedSha256 }),
    };
  }

  async readLatest(entry: LatestEntry): Promise<Uint8Array> {
    const state = await this.#readState();
    if (state === null || state.version !== entry.version) {
      throw new StoreError(
        `the baseline in ${this.description} changed while it was being read; run again`,
      );
    }
    const path = this.#path(SNAPSHOT_CONTAINER, state.archive);
    try {
      return await Deno.readFile(path);
    } catch (error) {
      throw this.#error(`read the baseline ${path}`, error);
    }
  }

  async putSnapshot(object: StoreObject): Promise<StoredItem> {
    const path = this.#path(SNAPSHOT_CONTAINER, object.name);
    if (!(await exists(path))) await this.#writeAtomically(path, object.body);
    return this.#item(SNAPSHOT_CONTAINER, object);
  }

  async putReport(object: StoreObject): Promise<StoredItem> {
    const path = this.#path(REPORT_CONTAINER, object.name);
    await this.#writeAtomically(path, object.body);
    return this.#item(REPORT_CONTAINER, object);
  }

  async replaceLatest(
    object: StoreObject,
    info: BaselineInfo,
    expected: LatestEntry | null,
  ): Promise<StoredItem | null> {
    await this.#ensureFolder(join(this.#root, STATE_FOLDER));
    const lockPath = join(this.#root, STATE_FOLDER, "lock");
    let lock: Deno.FsFile;
    try {
      lock = await Deno.open(lockPath, { write: true, create: true });
    } catch (error) {
      throw this.#error(`open the lock file ${lockPath}`, error);
    }

    try {
      await lock.lock(true);
      const state = await this.#readState();
      if ((state?.version ?? null) !== (expected?.version ?? null)) return null;

      // `latest` is read back from its archived copy, which an earlier run
      // may have written: the bytes recorded are the ones there.
      const archive = archiveName(info);
      const archived = await this.#readArchived(archive);
      await this.#writeAtomically(
        this.#path(SNAPSHOT_CONTAINER, LATEST_NAME),
        object.body,
      );
      const next: State = {
        cloud: info.cloud,
        changeNumber: info.changeNumber,
        sha256: info.sha256,
        ...(info.documentSha256 === undefined
          ? {}
          : { documentSha256: info.documentSha256 }),
        version: crypto.randomUUID(),
        archive,
        storedSha256: await sha256Hex(archived),
      };
      await this.#writeAtomically(
        this.#statePath(),
        new TextEncoder().encode(`${JSON.stringify(next, null, 2)}\n`),
      );
      await this.#removeStaleTemporaryFiles();
      return this.#item(SNAPSHOT_CONTAINER, object);
    } finally {
      lock.close();
    }
  }

  async #readArchived(archive: string): Promise<Uint8Array<ArrayBuffer>> {
    const path = this.#path(SNAPSHOT_CONTAINER, archive);
    try {
      return await Deno.readFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new StoreError(
          `the archived snapshot ${archive} is missing from ${this.description}; it must be written before latest`,
        );
      }
      throw this.#error(`read ${path}`, error);
    }
  }

  async #readState(): Promise<State | null> {
    const path = this.#statePath();
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw this.#error(`read ${path}`, error);
    }
    try {
      return parseState(JSON.parse(text));
    } catch {
      throw new StoreError(
        `${path} is not a valid store state; restore it or remove the store folder to start a new baseline`,
      );
    }
  }

  async #writeAtomically(path: string, body: Uint8Array): Promise<void> {
    const folder = join(this.#root, STATE_FOLDER, "tmp");
    await this.#ensureFolder(folder);
    await this.#ensureFolder(join(path, ".."));
    const temporary = join(folder, crypto.randomUUID());
    try {
      const file = await Deno.open(temporary, { write: true, createNew: true });
      try {
        let written = 0;
        while (written < body.length) {
          written += await file.write(body.subarray(written));
        }
        await file.syncData();
      } finally {
        file.close();
      }
      await Deno.rename(temporary, path);
    } catch (error) {
      await Deno.remove(temporary).catch(() => {});
      throw this.#error(`write ${path}`, error);
    }
  }

  async #removeStaleTemporaryFiles(): Promise<void> {
    const folder = join(this.#root, STATE_FOLDER, "tmp");
    const cutoff = Date.now() - STALE_TEMP_MS;
    for await (const entry of Deno.readDir(folder)) {
      const path = join(folder, entry.name);
      const info = await Deno.stat(path).catch(() => null);
      if (info?.mtime && info.mtime.getTime() < cutoff) {
        await Deno.remove(path).catch(() => {});
      }
    }
  }

  async #ensureFolder(path: string): Promise<void> {
    try {
      await Deno.mkdir(path, { recursive: true });
    } catch (error) {
      throw this.#error(`create the folder ${path}`, error);
    }
  }

  #statePath(): string {
    return join(this.#root, STATE_FOLDER, "state.json");
  }

  #path(container: string, name: string): string {
    return join(this.#root, container, name);
  }

  #item(container: string, object: StoreObject): StoredItem {
    return { key: `${container}/${object.name}`, bytes: object.body.length };
  }

  #error(action: string, error: unknown): StoreError {
    const reason = error instanceof Error ? error.message : String(error);
    return new StoreError(`could not ${action}: ${reason}`, { cause: error });
  }
}

function parseState(value: unknown): State {
  const state = value as Partial<State> | null;
  const fields = ["cloud", "changeNumber", "sha256", "version", "archive"];
  if (
    typeof state !== "object" || state === null ||
    fields.some((f) => typeof state[f as keyof State] !== "string") ||
    !["string", "undefined"].includes(typeof state.documentSha256) ||
    !["string", "undefined"].includes(typeof state.storedSha256)
  ) {
    throw new Error("invalid state");
  }
  return state as State;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
