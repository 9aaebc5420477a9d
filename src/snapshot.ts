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
  /**
   * Canonical texts (dotted IPv4, RFC 5952 IPv6, always with `/length`),
   * unique and sorted: IPv4 numerically, then IPv6.
   */
  readonly prefixes: readonly string[];
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

/** Number of (tag, prefix) pairs in a snapshot. */
export function countPrefixPairs(snapshot: Pick<Snapshot, "tags">): number {
  let count = 0;
  for (const tag of snapshot.tags) count += tag.prefixes.length;
  return count;
}

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
 * A parsed Service Tags document, checked for its shape once and then read
 * in two ways: {@linkcode ServiceTagsDocument.asPublished} (cheap, trusts
 * the prefix lists) and {@linkcode ServiceTagsDocument.normalize} (checks
 * them).
 */
export class ServiceTagsDocument {
  readonly #header: { cloud: string; changeNumber: string };
  /** In the document's order, prefix lists as given. */
  readonly #tags: readonly ServiceTag[];
  #published: Promise<Snapshot> | undefined;

  /**
   * @throws {SnapshotFormatError} when the document does not have the shape
   * of a Service Tags document, naming the problem and where it is.
   */
  constructor(document: unknown) {
    if (!isRecord(document)) {
      throw new SnapshotFormatError("the document is not a JSON object");
    }
    if (!Array.isArray(document.values)) {
      throw new SnapshotFormatError('the document has no "values" array');
    }

    const seen = new Set<string>();
    const tags: ServiceTag[] = [];
    document.values.forEach((value: unknown, index: number) => {
      const tag = readTag(value, index);
      if (seen.has(tag.id)) {
        throw new SnapshotFormatError(
          `values[${index}]: the id "${tag.id}" appears twice`,
        );
      }
      seen.add(tag.id);
      tags.push(tag);
    });
    this.#tags = tags;
    this.#header = {
      cloud: optionalText(document.cloud, "cloud", theDocument),
      changeNumber: optionalText(
        document.changeNumber,
        "changeNumber",
        theDocument,
      ),
    };
  }

  /**
   * The document read as if it were already normalized, as Azure publishes
   * it and as this job stores it: prefix lists are taken as they are. Cheap,
   * but trustworthy only when its `sha256` equals the hash of a snapshot
   * made by {@linkcode ServiceTagsDocument.normalize}: then the content is
   * that snapshot's, text for text. Any other hash proves nothing (the
   * content may differ, or only its spelling or order).
   */
  asPublished(): Promise<Snapshot> {
    return this.#published ??= createSnapshot(this.#header, this.#tags);
  }

  /**
   * The document as published, with a content hash that the caller
   * vouches for: a snapshot read back in the very bytes it was stored as,
   * with the hash recorded then. Nothing is checked or hashed.
   */
  withContentHash(sha256: string): Snapshot {
    return { ...this.#header, tags: sortedById(this.#tags), sha256 };
  }

  /**
   * The document as a {@linkcode Snapshot}, every prefix checked.
   *
   * `reference` is an optional snapshot made by this method earlier (the
   * baseline): a tag whose prefix list equals, text for text, the list of
   * the same tag there takes that list unchecked. Weekly snapshots share
   * most of their lists, so only the tags that changed are parsed. The
   * result is the same with or without it.
   *
   * @throws {SnapshotFormatError} naming the invalid prefix and where it is.
   */
  normalize(reference?: Snapshot): Promise<Snapshot> {
    const known = new Map(
      reference?.tags.map((tag) => [tag.id, tag.prefixes]),
    );
    let respelled = false;
    const tags = this.#tags.map((tag, index) => {
      const earlier = known.get(tag.id);
      if (earlier !== undefined) {
        // Sharing the list with the baseline also lets the diff skip it.
        if (sameTexts(tag.prefixes, earlier)) {
          return { ...tag, prefixes: earlier };
        }
        if (isNormalizedBeside(tag.prefixes, earlier)) return tag;
      }
      const prefixes = normalizePrefixes(
        tag.prefixes,
        () => `values[${index}] (id "${tag.id}")`,
      );
      if (prefixes === tag.prefixes) return tag;
      respelled = true;
      return { ...tag, prefixes };
    });
    return respelled
      ? createSnapshot(this.#header, tags)
      : this.#asPublishedWith(tags);
  }

  /** Every list was normalized already: the content hash is the published one. */
  async #asPublishedWith(tags: readonly ServiceTag[]): Promise<Snapshot> {
    const { sha256 } = await this.asPublished();
    return { ...this.#header, tags: sortedById(tags), sha256 };
  }
}

/**
 * Turns a parsed Service Tags document into a {@linkcode Snapshot}; see
 * {@linkcode ServiceTagsDocument.normalize}.
 *
 * @throws {SnapshotFormatError} naming the problem and where it is.
 */
export function normalizeSnapshot(
  document: unknown,
  reference?: Snapshot,
): Promise<Snapshot> {
  return new ServiceTagsDocument(document).normalize(reference);
}

/** Builds a snapshot from tags that are already normalized. */
export async function createSnapshot(
  header: { cloud: string; changeNumber: string },
  tags: readonly ServiceTag[],
): Promise<Snapshot> {
  const sorted = sortedById(tags);
  return { ...header, tags: sorted, sha256: await contentHash(sorted) };
}

/** Code-unit order, the same everywhere, unlike `localeCompare`. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedById(tags: readonly ServiceTag[]): readonly ServiceTag[] {
  for (let i = 1; i < tags.length; i++) {
    const order = compareText(
      (tags[i - 1] as ServiceTag).id,
      (tags[i] as ServiceTag).id,
    );
    if (order >= 0) return [...tags].sort((a, b) => compareText(a.id, b.id));
  }
  return tags;
}

/**
 * Says where in the document something is, for an error message; built only
 * when one is thrown, since a document has thousands of tags.
 */
type Where = () => string;

const theDocument: Where = () => "the document";

/** The tag at `values[index]`, with its prefix list as given. */
function readTag(value: unknown, index: number): ServiceTag {
  if (!isRecord(value)) {
    throw new SnapshotFormatError(
      `values[${index}]: the value is not a JSON object`,
    );
  }
  if (typeof value.id !== "string" || value.id === "") {
    throw new SnapshotFormatError(`values[${index}]: the value has no "id"`);
  }
  const id = value.id;
  const here = () => `values[${index}] (id "${id}")`;
  const properties = value.properties;
  if (!isRecord(properties)) {
    throw new SnapshotFormatError(`${here()}: the value has no "properties"`);
  }

  const tag: { -readonly [K in keyof ServiceTag]: ServiceTag[K] } = {
    id,
    name: optionalText(value.name, "name", here) || id,
    region: optionalText(properties.region, "region", here),
    systemService: optionalText(
      properties.systemService,
      "systemService",
      here,
    ),
    changeNumber: optionalText(properties.changeNumber, "changeNumber", here),
    prefixes: prefixList(properties.addressPrefixes, here),
    networkFeatures: normalizeFeatures(properties.networkFeatures, here),
  };
  // Carried through to stored snapshots, left out when the source has none.
  const { regionId, platform } = properties;
  if (typeof regionId === "number") tag.regionId = regionId;
  if (typeof platform === "string") tag.platform = platform;
  return tag;
}

/** `addressPrefixes` as a list of texts, not checked further. */
function prefixList(raw: unknown, where: Where): readonly string[] {
  if (!Array.isArray(raw)) {
    throw new SnapshotFormatError(
      `${where()}: "addressPrefixes" is not an array`,
    );
  }
  for (let i = 0; i < raw.length; i++) {
    const text: unknown = raw[i];
    if (typeof text !== "string") {
      throw new SnapshotFormatError(
        `${where()}: address prefix ${JSON.stringify(text)} is not a string`,
      );
    }
  }
  return raw as string[];
}

/** Whether two lists hold the same texts in the same order. */
function sameTexts(
  a: readonly string[],
  b: readonly string[],
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/**
 * Whether `texts` is already normalized (canonical, sorted, no repeats),
 * judged beside `earlier`, a normalized list it mostly shares: the texts met
 * in `earlier`'s order are known to be good, and only the others are parsed
 * and compared with their neighbours. `false` means "not proven", and
 * {@linkcode normalizePrefixes} then checks every text.
 */
function isNormalizedBeside(
  texts: readonly string[],
  earlier: readonly string[],
): boolean {
  let j = 0;
  // The parsed texts[i - 1], when it was parsed.
  let before: Prefix | undefined;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i] as string;
    // The next text of `earlier`: good, and after the one before it.
    if (text === earlier[j]) {
      j++;
      before = undefined;
      continue;
    }
    const prefix = parsePrefix(text);
    if (typeof prefix === "string" || prefix.text !== text) return false;
    // Pass over what sorts before it in `earlier`: prefixes since removed.
    while (j < earlier.length) {
      const next = parsePrefix(earlier[j] as string);
      if (typeof next === "string") return false;
      const order = comparePrefixes(next, prefix);
      if (order > 0) break;
      j++;
      if (order === 0) break;
    }
    if (i > 0) {
      const previous = before ?? parsePrefix(texts[i - 1] as string);
      if (typeof previous === "string") return false;
      if (comparePrefixes(previous, prefix) >= 0) return false;
    }
    before = prefix;
  }
  return true;
}

/** Checks every prefix; sorts, removes repeats and respells only if needed. */
function normalizePrefixes(
  texts: readonly string[],
  where: Where,
): readonly string[] {
  const prefixes: Prefix[] = new Array(texts.length);
  // Azure publishes each list canonical, sorted and without repeats; noticing
  // that on the way saves a sort and a copy.
  let asPublished = true;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i] as string;
    const prefix = parsePrefix(text);
    if (typeof prefix === "string") {
      throw new SnapshotFormatError(
        `${where()}: invalid address prefix "${text}": ${prefix}`,
      );
    }
    if (
      prefix.text !== text ||
      (i > 0 && comparePrefixes(prefixes[i - 1] as Prefix, prefix) >= 0)
    ) {
      asPublished = false;
    }
    prefixes[i] = prefix;
  }
  if (asPublished) return texts;

  prefixes.sort(comparePrefixes);
  const unique: string[] = [];
  for (let i = 0; i < prefixes.length; i++) {
    const prefix = prefixes[i] as Prefix;
    // Two spellings of one prefix compare equal and are kept once.
    if (i > 0 && comparePrefixes(prefixes[i - 1] as Prefix, prefix) === 0) {
      continue;
    }
    unique.push(prefix.text);
  }
  return unique;
}

function normalizeFeatures(raw: unknown, where: Where): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.some((f) => typeof f !== "string")) {
    throw new SnapshotFormatError(
      `${where()}: "networkFeatures" is not a list of names`,
    );
  }
  const names = raw as string[];
  // Usually sorted and without repeats already.
  for (let i = 1; i < names.length; i++) {
    if (compareText(names[i - 1] as string, names[i] as string) >= 0) {
      return [...new Set(names)].sort(compareText);
    }
  }
  return names;
}

/** Accepts text or a number (the download has numbers where the API has text). */
function optionalText(value: unknown, field: string, where: Where): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new SnapshotFormatError(
    `${where()}: "${field}" is neither text nor a number`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
