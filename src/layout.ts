/**
 * Names of archived snapshots and reports inside the store. Every name is
 * derived from content, so a rerun or a racing run writes the same names.
 *
 * @module
 */

import { createHash } from "node:crypto";
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
 * `<cloud>_<from>-to-<to>_<hash>[_only-<hash>]`, without extension: the
 * change numbers for people, the content hashes of both snapshots for
 * uniqueness, and the `--only` patterns when the report is limited.
 */
export function reportBaseName(
  previous: SnapshotInfo,
  current: SnapshotInfo,
  only: readonly string[],
): string {
  const pair = createHash("sha256")
    .update(`${previous.sha256}\n${current.sha256}`)
    .digest("hex")
    .slice(0, HASH_CHARS);
  const base = `${safe(current.cloud)}_${safe(previous.changeNumber)}-to-${
    safe(current.changeNumber)
  }_${pair}`;
  if (only.length === 0) return base;
  const filter = createHash("sha256").update(only.join(",")).digest("hex");
  return `${base}_only-${filter.slice(0, 8)}`;
}

function safe(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9.-]/g, "-");
  return cleaned === "" ? "unknown" : cleaned;
}
