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
import {
  type ServiceTag,
  ServiceTagsDocument,
  type Snapshot,
} from "./snapshot.ts";

/** File name suffix and media type of a stored snapshot. */
export const SNAPSHOT_EXTENSION = ".json.gz";
export const SNAPSHOT_CONTENT_TYPE = "application/gzip";

// On a weekly Public snapshot (2.7 MB of JSON) level 3 gives 478 kB in 25 ms,
// level 6 436 kB in 43 ms and level 9 421 kB in 111 ms.
const GZIP_LEVEL = 3;

/** Serializes a snapshot into a Service Tags document (uncompressed JSON text). */
function snapshotToJson(snapshot: Snapshot): string {
  const lines = snapshot.tags.map(tagLine);
  const header = JSON.stringify({
    changeNumber: snapshot.changeNumber,
    cloud: snapshot.cloud,
  }).slice(0, -1);
  return `${header},"values":[\n${lines.join(",\n")}\n]}\n`;
}

/** Serializes and compresses a snapshot for the store. */
export async function encodeSnapshot(snapshot: Snapshot): Promise<Uint8Array> {
  const json = new TextEncoder().encode(snapshotToJson(snapshot));
  const { gzipSync } = await loadZlib();
  // Bytes compress faster than a string, which zlib would convert first.
  return gzipSync(json, { level: GZIP_LEVEL });
}

/**
 * `node:zlib`, loaded on first use: a run that finds nothing new never
 * compresses anything and so skips the cost of loading it.
 */
export function loadZlib(): Promise<typeof import("node:zlib")> {
  return import("node:zlib");
}

/**
 * Reads a stored snapshot back. With `expectedSha256`, the content hash
 * recorded when it was stored, a snapshot whose content still has that hash
 * is taken as stored without checking each prefix again; any other is
 * normalized like a document from outside.
 *
 * @throws {SnapshotFormatError} when the bytes are not a gzip-compressed
 * Service Tags document.
 */
export async function decodeSnapshot(
  bytes: Uint8Array,
  expectedSha256?: string,
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
  if (expectedSha256 !== undefined) {
    const asStored = await document.asPublished();
    if (asStored.sha256 === expectedSha256) return asStored;
  }
  return await document.normalize();
}

/** One tag as a line of JSON, in the field order of the weekly download. */
function tagLine(tag: ServiceTag): string {
  const head = JSON.stringify({ name: tag.name, id: tag.id }).slice(0, -1);
  const properties = JSON.stringify({
    changeNumber: tag.changeNumber,
    region: tag.region,
    ...(tag.regionId === undefined ? {} : { regionId: tag.regionId }),
    ...(tag.platform === undefined ? {} : { platform: tag.platform }),
    systemService: tag.systemService,
  }).slice(0, -1);
  // Canonical prefixes hold only hex digits, dots, colons and a slash, none
  // of which JSON escapes: joining them is the same as serializing them,
  // and much faster for the bulk of the line.
  const prefixes = tag.prefixes.length === 0
    ? "[]"
    : `["${tag.prefixes.join('","')}"]`;
  const features = JSON.stringify(tag.networkFeatures);
  return `${head},"properties":${properties},"addressPrefixes":${prefixes},"networkFeatures":${features}}}`;
}
