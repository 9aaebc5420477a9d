/**
 * A store that forwards every call to another one, so a test can step in
 * on one method (count downloads, race another run) and keep the rest real.
 *
 * @module
 */

import type { SnapshotInfo } from "../../src/snapshot.ts";
import type {
  LatestEntry,
  Store,
  StoredItem,
  StoreObject,
} from "../../src/store.ts";

/** Forwards to `inner`; override a method to step in. */
export class DelegatingStore implements Store {
  constructor(readonly inner: Store) {}

  get description(): string {
    return this.inner.description;
  }
  latest(signal?: AbortSignal): Promise<LatestEntry | null> {
    return this.inner.latest(signal);
  }
  readLatest(entry: LatestEntry, signal?: AbortSignal): Promise<Uint8Array> {
    return this.inner.readLatest(entry, signal);
  }
  putSnapshot(object: StoreObject, signal?: AbortSignal): Promise<StoredItem> {
    return this.inner.putSnapshot(object, signal);
  }
  putReport(object: StoreObject, signal?: AbortSignal): Promise<StoredItem> {
    return this.inner.putReport(object, signal);
  }
  replaceLatest(
    object: StoreObject,
    info: SnapshotInfo,
    expected: LatestEntry | null,
    signal?: AbortSignal,
  ): Promise<StoredItem | null> {
    return this.inner.replaceLatest(object, info, expected, signal);
  }
}
