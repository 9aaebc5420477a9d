/**
 * The difference between two snapshots, tag by tag and prefix by prefix.
 * Pure: no I/O, deterministic order.
 *
 * @module
 */

import {
  comparePrefixes,
  familyOf,
  ipv4AddressCount,
  type Prefix,
  prefixOf,
  sortPrefixTexts,
} from "./prefix.ts";
import {
  compareText,
  createSnapshot,
  type ServiceTag,
  type Snapshot,
} from "./snapshot.ts";

/** A tag present in both snapshots whose content changed. */
export interface TagChange {
  readonly previous: ServiceTag;
  readonly current: ServiceTag;
  /** Sorted like the prefixes of a tag. */
  readonly prefixesAdded: readonly string[];
  readonly prefixesRemoved: readonly string[];
  readonly networkFeaturesAdded: readonly string[];
  readonly networkFeaturesRemoved: readonly string[];
}

/** Everything that differs between two snapshots; lists sorted by id. */
export interface SnapshotDiff {
  readonly tagsAdded: readonly ServiceTag[];
  readonly tagsRemoved: readonly ServiceTag[];
  readonly tagsChanged: readonly TagChange[];
}

/** Counts over a diff. Prefix counts are (tag, prefix) pairs. */
export interface DiffSummary {
  readonly tagsAdded: number;
  readonly tagsRemoved: number;
  readonly tagsChanged: number;
  readonly prefixesAdded: number;
  readonly prefixesRemoved: number;
  readonly ipv4PrefixesAdded: number;
  readonly ipv4PrefixesRemoved: number;
  readonly ipv6PrefixesAdded: number;
  readonly ipv6PrefixesRemoved: number;
  /** Sum of the sizes of the added IPv4 prefixes, over (tag, prefix) pairs. */
  readonly ipv4AddressesAdded: number;
  readonly ipv4AddressesRemoved: number;
}

/** Compares two snapshots. `diff(a, a)` is empty. */
export function diffSnapshots(
  previous: Snapshot,
  current: Snapshot,
): SnapshotDiff {
  const tagsAdded: ServiceTag[] = [];
  const tagsRemoved: ServiceTag[] = [];
  const tagsChanged: TagChange[] = [];

  // Both tag lists are sorted by id, so one merge pass pairs them up.
  const before = previous.tags;
  const after = current.tags;
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const a = before[i];
    const b = after[j];
    const order = a === undefined ? 1 : b === undefined ? -1 : compareText(
      a.id,
      b.id,
    );
    if (order < 0 && a) {
      tagsRemoved.push(a);
      i++;
    } else if (order > 0 && b) {
      tagsAdded.push(b);
      j++;
    } else if (a && b) {
      const change = diffTag(a, b);
      if (change) tagsChanged.push(change);
      i++;
      j++;
    }
  }

  return { tagsAdded, tagsRemoved, tagsChanged };
}

/** Counts tags, prefix pairs and IPv4 addresses in a diff. */
export function summarizeDiff(diff: SnapshotDiff): DiffSummary {
  const added = new PrefixTally();
  const removed = new PrefixTally();
  for (const tag of diff.tagsAdded) added.add(tag.prefixes);
  for (const tag of diff.tagsRemoved) removed.add(tag.prefixes);
  for (const change of diff.tagsChanged) {
    added.add(change.prefixesAdded);
    removed.add(change.prefixesRemoved);
  }

  return {
    tagsAdded: diff.tagsAdded.length,
    tagsRemoved: diff.tagsRemoved.length,
    tagsChanged: diff.tagsChanged.length,
    prefixesAdded: added.ipv4 + added.ipv6,
    prefixesRemoved: removed.ipv4 + removed.ipv6,
    ipv4PrefixesAdded: added.ipv4,
    ipv4PrefixesRemoved: removed.ipv4,
    ipv6PrefixesAdded: added.ipv6,
    ipv6PrefixesRemoved: removed.ipv6,
    ipv4AddressesAdded: added.addresses,
    ipv4AddressesRemoved: removed.addresses,
  };
}

/** True when the diff holds no change at all. */
export function isEmptyDiff(diff: SnapshotDiff): boolean {
  return diff.tagsAdded.length === 0 && diff.tagsRemoved.length === 0 &&
    diff.tagsChanged.length === 0;
}

/** Keeps only the changes of tags whose id passes `keep`. */
export function filterDiff(
  diff: SnapshotDiff,
  keep: (id: string) => boolean,
): SnapshotDiff {
  return {
    tagsAdded: diff.tagsAdded.filter((t) => keep(t.id)),
    tagsRemoved: diff.tagsRemoved.filter((t) => keep(t.id)),
    tagsChanged: diff.tagsChanged.filter((c) => keep(c.current.id)),
  };
}

/**
 * Applies a diff to the snapshot it was computed from. The result has the
 * content (and so the hash) of the snapshot the diff was computed against.
 */
export function applyDiff(
  base: Snapshot,
  diff: SnapshotDiff,
  header: { cloud: string; changeNumber: string },
): Promise<Snapshot> {
  const tags = new Map(base.tags.map((tag) => [tag.id, tag]));
  for (const tag of diff.tagsRemoved) tags.delete(tag.id);
  for (const tag of diff.tagsAdded) tags.set(tag.id, tag);
  for (const change of diff.tagsChanged) {
    const tag = tags.get(change.previous.id);
    if (tag === undefined) {
      throw new Error(
        `applyDiff: tag "${change.previous.id}" is not in the base`,
      );
    }
    tags.set(tag.id, applyTagChange(tag, change));
  }
  return createSnapshot(header, [...tags.values()]);
}

function diffTag(a: ServiceTag, b: ServiceTag): TagChange | null {
  const [prefixesAdded, prefixesRemoved] = prefixListDiff(
    a.prefixes,
    b.prefixes,
  );
  const [networkFeaturesAdded, networkFeaturesRemoved] = nameListDiff(
    a.networkFeatures,
    b.networkFeatures,
  );
  const unchanged = prefixesAdded.length === 0 &&
    prefixesRemoved.length === 0 && networkFeaturesAdded.length === 0 &&
    networkFeaturesRemoved.length === 0 && a.region === b.region &&
    a.systemService === b.systemService;
  if (unchanged) return null;

  return {
    previous: a,
    current: b,
    prefixesAdded,
    prefixesRemoved,
    networkFeaturesAdded,
    networkFeaturesRemoved,
  };
}

/**
 * Set difference of two normalized prefix lists: [in b only, in a only].
 * Equal neighbours are matched by `===` alone, so prefixes are parsed only
 * where the lists differ: most lists are equal, often the very same array.
 */
function prefixListDiff(
  a: readonly string[],
  b: readonly string[],
): [string[], string[]] {
  const onlyB: string[] = [];
  const onlyA: string[] = [];
  if (a === b) return [onlyB, onlyA];
  let i = 0;
  let j = 0;
  // The parsed a[i] and b[j], kept while the index stays.
  let x: Prefix | undefined;
  let y: Prefix | undefined;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      x = y = undefined;
      continue;
    }
    x ??= prefixOf(a[i] as string);
    y ??= prefixOf(b[j] as string);
    if (comparePrefixes(x, y) < 0) {
      onlyA.push(x.text);
      i++;
      x = undefined;
    } else {
      onlyB.push(y.text);
      j++;
      y = undefined;
    }
  }
  for (; i < a.length; i++) onlyA.push(a[i] as string);
  for (; j < b.length; j++) onlyB.push(b[j] as string);
  return [onlyB, onlyA];
}

/** Set difference of two sorted lists of unique names: [in b only, in a only]. */
function nameListDiff(
  a: readonly string[],
  b: readonly string[],
): [string[], string[]] {
  if (a.length === b.length && a.every((name, i) => name === b[i])) {
    return [[], []];
  }
  const inA = new Set(a);
  const inB = new Set(b);
  return [
    b.filter((name) => !inA.has(name)),
    a.filter((name) => !inB.has(name)),
  ];
}

function applyTagChange(tag: ServiceTag, change: TagChange): ServiceTag {
  const removed = new Set(change.prefixesRemoved);
  const prefixes = sortPrefixTexts(
    tag.prefixes.filter((p) => !removed.has(p)).concat(change.prefixesAdded),
  );
  const droppedFeatures = new Set(change.networkFeaturesRemoved);
  const networkFeatures = tag.networkFeatures
    .filter((f) => !droppedFeatures.has(f))
    .concat(change.networkFeaturesAdded)
    .sort(compareText);

  return {
    ...change.current,
    prefixes,
    networkFeatures,
  };
}

class PrefixTally {
  ipv4 = 0;
  ipv6 = 0;
  addresses = 0;

  add(prefixes: readonly string[]): void {
    for (const prefix of prefixes) {
      if (familyOf(prefix) === 4) {
        this.ipv4++;
        this.addresses += ipv4AddressCount(prefix);
      } else {
        this.ipv6++;
      }
    }
  }
}
