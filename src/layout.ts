/**
 * Names of archived snapshots and reports inside the store. Every name is
 * derived from content, so a rerun or a racing run writes the same names.
 *
 * @module
 */

import type { SnapshotInfo } from "./snapshot.ts";
import { SNAPSHOT_EXTENSION } from "./snapshot_codec.ts";

/** Characters of a content hash used in names: plenty to never collide. */
const HASH_CHARS = 12;

/**
 * `archive/<cloud>_<changeNumber>_<hash>.json.gz`: one per distinct content,
 * so a changeNumber seen again with new content gets a name of its own.
 */
export function archiveName(info: SnapshotInfo): string {
  return `archive/${safe(info.cloud)}_${safe(info.changeNumber)}_${
    info.sha256.slice(0, HASH_CHARS)
  }${SNAPSHOT_EXTENSION}`;
}

/**
 * `<cloud>_<from>-to-<to>_<hash>-<hash>[_only-<hash>]`, without extension:
 * the change numbers for people, the start of both content hashes (as in the
 * archive names) for uniqueness, and the `--only` patterns when the report is
 * limited.
 */
export function reportBaseName(
  previous: SnapshotInfo,
  current: SnapshotInfo,
  only: readonly string[],
): string {
  const base = `${safe(current.cloud)}_${safe(previous.changeNumber)}-to-${
    safe(current.changeNumber)
  }_${previous.sha256.slice(0, 8)}-${current.sha256.slice(0, 8)}`;
  if (only.length === 0) return base;
  return `${base}_only-${fnv1a(only.join(","))}`;
}

/** A short, stable name for a list of patterns (32-bit FNV-1a, hex). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

function safe(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9.-]/g, "-");
  return cleaned === "" ? "unknown" : cleaned;
}
