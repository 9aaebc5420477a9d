/**
 * The source interface: where the current Service Tags come from.
 *
 * @module
 */

import type { Snapshot } from "./snapshot.ts";

/** The current Service Tags as the source delivered them, not normalized yet. */
export interface SourceDocument {
  /**
   * SHA-256 (hex) of the document as delivered. The same answer gives the
   * same hash, so a run can see that nothing is new before it normalizes
   * anything; a different hash may still hold the same content.
   */
  readonly sha256: string;

  /**
   * Validates and normalizes the document.
   *
   * @throws {InputError} for a malformed file the user named.
   * @throws {SnapshotFormatError} for a malformed answer.
   */
  snapshot(): Promise<Snapshot>;
}

/** Produces the current Service Tags. */
export interface Source {
  /** What is read, for logs: a file path or an API endpoint and location. */
  readonly description: string;

  /**
   * Reads the current document.
   *
   * @throws {InputError} for a missing file the user named.
   * @throws {AzureRequestError} for a failed request.
   */
  read(signal?: AbortSignal): Promise<SourceDocument>;
}
