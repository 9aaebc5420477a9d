/**
 * The store interface that the job writes snapshots and reports to, and the
 * names it uses inside it. A local directory and an Azure Blob Storage
 * account implement it with the same layout.
 *
 * @module
 */

import type { SnapshotInfo } from "./snapshot.ts";

/** Default name of the container (or folder) that holds snapshots. */
export const SNAPSHOT_CONTAINER = "servicetags";

/** Default name of the container (or folder) that holds change reports. */
export const REPORT_CONTAINER = "servicetags-report";

/** Name of the current baseline inside the snapshot container. */
export const LATEST_NAME = "latest.json.gz";

/** What is recorded with the baseline besides its content. */
export interface BaselineInfo extends SnapshotInfo {
  /**
   * The `sha256` of the source document the baseline was made
   * from: a run that reads the same document again needs to normalize nothing.
   * Missing in baselines written before it was recorded.
   */
  readonly documentSha256?: string;
}

/** What the store knows about the current baseline without downloading it. */
export interface LatestEntry extends BaselineInfo {
  /**
   * Opaque version of `latest` (an ETag in Blob Storage), passed back to
   * {@linkcode Store.replaceLatest} so that only one of two racing runs can
   * advance it.
   */
  readonly version: string;
  /**
   * SHA-256 (hex) of the bytes {@linkcode Store.readLatest} returns for this
   * version, recorded by the store when it advanced `latest`. Bytes with
   * this hash are the ones stored together with `sha256`, so their content
   * needs no check when read back. Missing in baselines written before it
   * was recorded.
   */
  readonly storedSha256?: string;
}

/** Where a written item landed, for logs and the run's output. */
export interface StoredItem {
  /** `container/name`, the same text for every store. */
  readonly key: string;
  readonly bytes: number;
}

/** One file or blob to write. */
export interface StoreObject {
  readonly name: string;
  readonly body: Uint8Array;
  readonly contentType: string;
}

/**
 * A place that keeps the baseline, archived snapshots and reports.
 *
 * Writes other than {@linkcode Store.replaceLatest} are idempotent: objects
 * are named after their content, so writing one twice, from a rerun or from
 * a racing run, leaves the same bytes.
 */
export interface Store {
  /** Where the store is, for logs; never contains a credential. */
  readonly description: string;

  /** Reads the metadata of `latest` only; `null` when the store is empty. */
  latest(signal?: AbortSignal): Promise<LatestEntry | null>;

  /**
   * Downloads `latest` as stored (gzip bytes).
   *
   * @throws {StoreError} when it is missing or no longer at `entry.version`.
   */
  readLatest(entry: LatestEntry, signal?: AbortSignal): Promise<Uint8Array>;

  /** Writes a snapshot into the snapshot container, unless it is there already. */
  putSnapshot(object: StoreObject, signal?: AbortSignal): Promise<StoredItem>;

  /** Writes a report into the report container, replacing one of the same name. */
  putReport(object: StoreObject, signal?: AbortSignal): Promise<StoredItem>;

  /**
   * Replaces `latest` atomically, only if it is still at `expected`
   * (`null`: only if there is no `latest` yet).
   *
   * @returns the written item, or `null` when another run advanced it first.
   */
  replaceLatest(
    object: StoreObject,
    info: BaselineInfo,
    expected: LatestEntry | null,
    signal?: AbortSignal,
  ): Promise<StoredItem | null>;
}
