/**
 * The source interface: where the current Service Tags come from.
 *
 * @module
 */

import { SnapshotFormatError } from "./errors.ts";
import {
  infoOf,
  ServiceTagsDocument,
  type Snapshot,
  type SnapshotInfo,
} from "./snapshot.ts";

/** The current Service Tags as the source delivered them, not normalized yet. */
export interface SourceDocument {
  /**
   * SHA-256 (hex) of the document as delivered. The same answer gives the
   * same hash, so a run can see that nothing is new before it normalizes
   * anything; a different hash may still hold the same content.
   */
  readonly sha256: string;

  /**
   * Cloud, change number and content hash of the document read as
   * published, without checking its prefixes (see
   * {@linkcode ServiceTagsDocument.asPublished}): a hash equal to the
   * baseline's means
   * the content is the baseline's; any other hash proves nothing.
   *
   * @throws like {@linkcode SourceDocument.snapshot}, for a document
   * without the shape of a Service Tags document.
   */
  asPublished(): Promise<SnapshotInfo>;

  /**
   * Validates and normalizes the document; `reference` (the baseline) only
   * saves work, see {@linkcode ServiceTagsDocument.normalize}.
   *
   * @throws {InputError} for a malformed file the user named.
   * @throws {SnapshotFormatError} for a malformed answer.
   */
  snapshot(reference?: Snapshot): Promise<Snapshot>;
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

/**
 * A {@linkcode SourceDocument} over a document that `parse` reads (once, on
 * first use). `explain` turns a format error into the error the source
 * reports, saying where the document came from.
 */
export function sourceDocument(
  sha256: string,
  parse: () => Promise<unknown>,
  explain: (error: SnapshotFormatError) => Error,
): SourceDocument {
  let read: Promise<ServiceTagsDocument> | undefined;
  // Dropped once called, so that what it holds (the raw bytes) can go.
  let unread: (() => Promise<unknown>) | undefined = parse;
  const load = () => {
    if (read === undefined) {
      read = (unread as () => Promise<unknown>)().then(toDocument);
      unread = undefined;
    }
    return read;
  };
  const checked = async <T>(
    step: (document: ServiceTagsDocument) => Promise<T>,
  ) => {
    try {
      return await step(await load());
    } catch (error) {
      if (error instanceof SnapshotFormatError) throw explain(error);
      throw error;
    }
  };
  return {
    sha256,
    asPublished: () =>
      checked(async (document) => infoOf(await document.asPublished())),
    snapshot: (reference) =>
      checked((document) => document.normalize(reference)),
  };
}

function toDocument(parsed: unknown): ServiceTagsDocument {
  return new ServiceTagsDocument(parsed);
}
