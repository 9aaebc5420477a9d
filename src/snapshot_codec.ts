/**
 * How snapshots are stored: Microsoft's own document shape, normalized, one
 * tag per line, compressed with gzip. A stored snapshot can be read back by
 * this job (`--source FILE` after `gunzip`) or by any tool that reads the
 * weekly download.
 *
 * @module
 */

import { SnapshotFormatError } from "./errors.ts";
import { parseJsonText } from "./json_text.ts";
import { Utf8Builder } from "./utf8_builder.ts";
import {
  countPrefixPairs,
  type ServiceTag,
  ServiceTagsDocument,
  type Snapshot,
} from "./snapshot.ts";

/** File name suffix and media type of a stored snapshot. */
export const SNAPSHOT_EXTENSION = ".json.gz";
export const SNAPSHOT_CONTENT_TYPE = "application/gzip";

// On a weekly Public snapshot (2.6 MB as stored) level 1 gives 720 kB in
// 7 ms, level 3 467 kB in 16 ms and level 6 425 kB in 31 ms. The run's time
// matters more than a few hundred kilobytes a week.
const GZIP_LEVEL = 1;

/** Serializes a snapshot into a Service Tags document (UTF-8 JSON). */
function snapshotToJson(snapshot: Snapshot): Uint8Array<ArrayBuffer> {
  // Canonical prefixes are ASCII, about 17 characters on average in a
  // Public week: with room for 24 and the quotes, the buffer seldom grows.
  const json = new Utf8Builder(
    snapshot.tags.length * 320 + countPrefixPairs(snapshot) * 27,
  );
  const header = JSON.stringify({
    changeNumber: snapshot.changeNumber,
    cloud: snapshot.cloud,
  }).slice(0, -1);
  json.append(`${header},"values":[\n`);
  snapshot.tags.forEach((tag, index) => {
    if (index > 0) json.append(",\n");
    appendTag(json, tag);
  });
  json.append("\n]}\n");
  return json.bytes();
}

/** Serializes and compresses a snapshot for the store. */
export async function encodeSnapshot(snapshot: Snapshot): Promise<Uint8Array> {
  const { gzipSync } = await loadZlib();
  return gzipSync(snapshotToJson(snapshot), { level: GZIP_LEVEL });
}

/**
 * `node:zlib`, loaded on first use: a run that finds nothing new never
 * compresses anything and so skips the cost of loading it.
 */
export function loadZlib(): Promise<typeof import("node:zlib")> {
  return import("node:zlib");
}

/** What was recorded about a stored snapshot when it was stored. */
export interface StoredSnapshotRecord {
  /** Its content hash. */
  readonly sha256: string;
  /** Whether the bytes are known to be the very ones stored then. */
  readonly intact: boolean;
}

/**
 * Reads a stored snapshot back. With `recorded`, intact bytes are taken as
 * stored, unchecked; other bytes whose content still has the recorded hash
 * are taken as stored without checking each prefix. Anything else is
 * normalized like a document from outside.
 *
 * @throws {SnapshotFormatError} when the bytes are not a gzip-compressed
 * Service Tags document.
 */
export async function decodeSnapshot(
  bytes: Uint8Array,
  recorded?: StoredSnapshotRecord,
): Promise<Snapshot> {
  const { gunzipSync } = await loadZlib();
  let text: string;
  try {
    text = new TextDecoder().decode(gunzipSync(bytes));
  } catch (error) {
    throw new SnapshotFormatError(
      `the stored snapshot is not valid gzip: ${(error as Error).message}`,
    );
  }
  const document = new ServiceTagsDocument(parseJsonText(text));
  if (recorded?.intact) return document.withContentHash(recorded.sha256);
  if (recorded !== undefined) {
    const asStored = await document.asPublished();
    if (asStored.sha256 === recorded.sha256) return asStored;
  }
  return await document.normalize();
}

/** One tag as a line of JSON, in the field order of the weekly download. */
function appendTag(json: Utf8Builder, tag: ServiceTag): void {
  const head = JSON.stringify({ name: tag.name, id: tag.id }).slice(0, -1);
  const properties = JSON.stringify({
    changeNumber: tag.changeNumber,
    region: tag.region,
    ...(tag.regionId === undefined ? {} : { regionId: tag.regionId }),
    ...(tag.platform === undefined ? {} : { platform: tag.platform }),
    systemService: tag.systemService,
  }).slice(0, -1);
  json.append(`${head},"properties":${properties},"addressPrefixes":[`);
  // Canonical prefixes hold only hex digits, dots, colons and a slash, none
  // of which JSON escapes: joining them is the same as serializing them,
  // and much faster for the bulk of the line.
  if (tag.prefixes.length > 0) json.append(`"${tag.prefixes.join('","')}"`);
  json.append(`],"networkFeatures":${JSON.stringify(tag.networkFeatures)}}}`);
}
