/**
 * The snapshot model: one normalized set of Service Tags, whether it came
 * from the Service Tag Discovery API or from Microsoft's weekly download.
 *
 * @module
 */

import { contentHash } from "./content_hash.ts";
import { SnapshotFormatError } from "./errors.ts";
import { comparePrefixes, parsePrefix, type Prefix } from "./prefix.ts";

/** One Service Tag, normalized. */
export interface ServiceTag {
  readonly id: string;
  /** Display name; not part of the content hash. */
  readonly name: string;
  /** Region name, `""` for a global tag. */
  readonly region: string;
  /** `""` when the tag names no system service. */
  readonly systemService: string;
  /** The tag's own change number, as text; not part of the content hash. */
  readonly changeNumber: string;
  /** Unique, canonical and sorted: IPv4 numerically, then IPv6. */
  readonly prefixes: readonly Prefix[];
  /** Sorted and unique; empty when the source has none or `null`. */
  readonly networkFeatures: readonly string[];
  /** Carried through to stored snapshots; not part of the content hash. */
  readonly regionId?: number;
  /** Carried through to stored snapshots; not part of the content hash. */
  readonly platform?: string;
}

/** A normalized set of Service Tags with its content hash. */
export interface Snapshot {
  /** `Public`, `AzureGovernment`, `China`, ... as the source names it. */
  readonly cloud: string;
  /** The top-level change number, as text. */
  readonly changeNumber: string;
  /** Sorted by id. */
  readonly tags: readonly ServiceTag[];
  /**
   * SHA-256 (hex) over ids, regions, system services, prefixes and network
   * features. Names, region ids, platforms and change numbers are left out,
   * so only a change of content changes it.
   */
  readonly sha256: string;
}

// Consecutive snapshots share nearly all of their prefixes, so the parsed
// form of each text is kept for the process: the baseline and the new
// snapshot then parse every common prefix once. About 60,000 per cloud.
const prefixCache = new Map<string, Prefix>();
const PREFIX_CACHE_LIMIT = 500_000;

/** Identifies a snapshot in logs, reports and store metadata. */
export interface SnapshotInfo {
  readonly cloud: string;
  readonly changeNumber: string;
  readonly sha256: string;
}

/** The identifying fields of a snapshot. */
export function infoOf(snapshot: SnapshotInfo): SnapshotInfo {
  const { cloud, changeNumber, sha256 } = snapshot;
  return { cloud, changeNumber, sha256 };
}

/**
 * Turns a parsed Service Tags document into a {@linkcode Snapshot}.
 *
 * @throws {SnapshotFormatError} naming the problem and where it is.
 */
export function normalizeSnapshot(document: unknown): Promise<Snapshot> {
  if (!isRecord(document)) {
    throw new SnapshotFormatError("the document is not a JSON object");
  }
  if (!Array.isArray(document.values)) {
    throw new SnapshotFormatError('the document has no "values" array');
  }

  if (prefixCache.size > PREFIX_CACHE_LIMIT) prefixCache.clear();
  const seen = new Set<string>();
  const tags: ServiceTag[] = [];
  document.values.forEach((value: unknown, index: number) => {
    const tag = normalizeTag(value, `values[${index}]`, prefixCache);
    if (seen.has(tag.id)) {
      throw new SnapshotFormatError(
        `values[${index}]: the id "${tag.id}" appears twice`,
      );
    }
    seen.add(tag.id);
    tags.push(tag);
  });
  const header = {
    cloud: optionalText(document.cloud, "cloud", "the document"),
    changeNumber: optionalText(
      document.changeNumber,
      "changeNumber",
      "the document",
    ),
  };
  return createSnapshot(header, tags);
}

/** Builds a snapshot from tags that are already normalized. */
export async function createSnapshot(
  header: { cloud: string; changeNumber: string },
  tags: readonly ServiceTag[],
): Promise<Snapshot> {
  const sorted = [...tags].sort((a, b) => compareText(a.id, b.id));
  return { ...header, tags: sorted, sha256: await contentHash(sorted) };
}

/** Code-unit order, the same everywhere, unlike `localeCompare`. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function normalizeTag(
  value: unknown,
  where: string,
  prefixCache: Map<string, Prefix>,
): ServiceTag {
  if (!isRecord(value)) {
    throw new SnapshotFormatError(`${where}: the value is not a JSON object`);
  }
  if (typeof value.id !== "string" || value.id === "") {
    throw new SnapshotFormatError(`${where}: the value has no "id"`);
  }
  const id = value.id;
  const here = `${where} (id "${id}")`;
  const properties = value.properties;
  if (!isRecord(properties)) {
    throw new SnapshotFormatError(`${here}: the value has no "properties"`);
  }

  return {
    id,
    name: optionalText(value.name, "name", here) || id,
    region: optionalText(properties.region, "region", here),
    systemService: optionalText(
      properties.systemService,
      "systemService",
      here,
    ),
    changeNumber: optionalText(properties.changeNumber, "changeNumber", here),
    prefixes: normalizePrefixes(properties.addressPrefixes, here, prefixCache),
    networkFeatures: normalizeFeatures(properties.networkFeatures, here),
    ...optionalExtras(properties),
  };
}

function normalizePrefixes(
  raw: unknown,
  where: string,
  cache: Map<string, Prefix>,
): Prefix[] {
  if (!Array.isArray(raw)) {
    throw new SnapshotFormatError(
      `${where}: "addressPrefixes" is not an array`,
    );
  }

  const prefixes: Prefix[] = new Array(raw.length);
  // Azure publishes each list sorted and without repeats; noticing that on
  // the way saves a sort and a second pass.
  let strictlyAscending = true;
  for (let i = 0; i < raw.length; i++) {
    const prefix = cachedPrefix(raw[i], where, cache);
    if (i > 0 && comparePrefixes(prefixes[i - 1] as Prefix, prefix) >= 0) {
      strictlyAscending = false;
    }
    prefixes[i] = prefix;
  }
  if (strictlyAscending) return prefixes;

  prefixes.sort(comparePrefixes);
  return withoutDuplicates(prefixes);
}

function cachedPrefix(
  text: unknown,
  where: string,
  cache: Map<string, Prefix>,
): Prefix {
  if (typeof text !== "string") {
    throw new SnapshotFormatError(
      `${where}: address prefix ${JSON.stringify(text)} is not a string`,
    );
  }
  const known = cache.get(text);
  if (known !== undefined) return known;

  const parsed = parsePrefix(text);
  if (typeof parsed === "string") {
    throw new SnapshotFormatError(
      `${where}: invalid address prefix "${text}": ${parsed}`,
    );
  }
  cache.set(text, parsed);
  return parsed;
}

/** Drops repeats from a sorted list (two spellings of one prefix included). */
function withoutDuplicates(sorted: Prefix[]): Prefix[] {
  let kept = 0;
  for (let i = 0; i < sorted.length; i++) {
    const prefix = sorted[i] as Prefix;
    if (kept > 0 && comparePrefixes(sorted[kept - 1] as Prefix, prefix) === 0) {
      continue;
    }
    sorted[kept++] = prefix;
  }
  sorted.length = kept;
  return sorted;
}

function normalizeFeatures(raw: unknown, where: string): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.some((f) => typeof f !== "string")) {
    throw new SnapshotFormatError(
      `${where}: "networkFeatures" is not a list of names`,
    );
  }
  return [...new Set(raw as string[])].sort(compareText);
}

function optionalExtras(
  properties: Record<string, unknown>,
): { regionId?: number; platform?: string } {
  const extras: { regionId?: number; platform?: string } = {};
  if (typeof properties.regionId === "number") {
    extras.regionId = properties.regionId;
  }
  if (typeof properties.platform === "string") {
    extras.platform = properties.platform;
  }
  return extras;
}

/** Accepts text or a number (the download has numbers where the API has text). */
function optionalText(value: unknown, field: string, where: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new SnapshotFormatError(
    `${where}: "${field}" is neither text nor a number`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
