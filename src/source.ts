/**
 * The source interface: where the current Service Tags come from.
 *
 * @module
 */

import type { Snapshot } from "./snapshot.ts";

/** Produces the current, normalized Service Tags. */
export interface Source {
  /** What is read, for logs: a file path or an API endpoint and location. */
  readonly description: string;

  /**
   * Reads and normalizes the current Service Tags.
   *
   * @throws {InputError} for a missing or malformed file the user named.
   * @throws {SnapshotFormatError} or {AzureRequestError} for a bad answer.
   */
  read(signal?: AbortSignal): Promise<Snapshot>;
}
