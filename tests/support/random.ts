/**
 * Seeded random snapshots for property tests: the same seed gives the same
 * cases, so a failure can be replayed.
 *
 * @module
 */

import type { RawTag } from "./documents.ts";
import { rawTag } from "./documents.ts";

/** A small deterministic generator (mulberry32). */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ["", "japaneast", "westus", "northeurope"];
const SERVICES = ["", "AzureStorage", "AzureSQL"];
const FEATURES = ["API", "NSG", "UDR", "FW", "VSE"];

/** A random prefix from a small pool, so that snapshots share many. */
function randomPrefix(random: () => number): string {
  if (random() < 0.7) {
    const octet = Math.floor(random() * 16);
    const length = 16 + Math.floor(random() * 17);
    const base =
      (10 * 2 ** 24 + octet * 2 ** 16 + Math.floor(random() * 256) * 256) >>> 0;
    const masked = base - (base % 2 ** (32 - length));
    return `${
      [24, 16, 8, 0].map((s) => (masked >>> s) & 255).join(".")
    }/${length}`;
  }
  return `2603:10${Math.floor(random() * 16).toString(16)}0:${
    Math.floor(random() * 64).toString(16)
  }::/48`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A random list of raw tags. */
export function randomTags(random: () => number, count = 12): RawTag[] {
  const tags: RawTag[] = [];
  for (let i = 0; i < count; i++) {
    const prefixes = Array.from(
      { length: Math.floor(random() * 8) },
      () => randomPrefix(random),
    );
    tags.push(rawTag(`Tag${Math.floor(random() * 40)}.${i}`, prefixes, {
      region: pick(random, REGIONS),
      systemService: pick(random, SERVICES),
      changeNumber: Math.floor(random() * 9),
      networkFeatures: random() < 0.5
        ? null
        : FEATURES.filter(() => random() < 0.4),
    }));
  }
  return tags;
}

/** A random edit of a list of raw tags: some removed, added and changed. */
export function mutateTags(
  random: () => number,
  tags: readonly RawTag[],
): RawTag[] {
  const kept = tags.filter(() => random() > 0.15).map((tag) => {
    if (random() > 0.4) return tag;
    const prefixes = tag.properties.addressPrefixes.filter(() =>
      random() > 0.3
    );
    while (random() < 0.5) prefixes.push(randomPrefix(random));
    return rawTag(tag.id, prefixes, {
      region: random() < 0.1 ? pick(random, REGIONS) : tag.properties.region,
      systemService: random() < 0.1
        ? pick(random, SERVICES)
        : tag.properties.systemService,
      changeNumber: Number(tag.properties.changeNumber) + 1,
      networkFeatures: random() < 0.2
        ? FEATURES.filter(() => random() < 0.4)
        : tag.properties.networkFeatures,
    });
  });
  return [
    ...kept,
    ...randomTags(random, Math.floor(random() * 3)).map((t, i) => ({
      ...t,
      id: `New${i}.${t.id}`,
    })),
  ];
}

/** The tags without repeated ids (the first of each id is kept). */
export function uniqueIds(tags: readonly RawTag[]): RawTag[] {
  return [...new Map([...tags].reverse().map((t) => [t.id, t])).values()];
}
