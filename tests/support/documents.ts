/**
 * Builders for small Service Tags documents in the download's shape, so a
 * test states only the fields it is about.
 *
 * @module
 */

import { normalizeSnapshot, type Snapshot } from "../../src/snapshot.ts";

/** One raw `values[]` entry. */
export interface RawTag {
  name?: string;
  id: string;
  properties: {
    changeNumber?: number | string;
    region?: string;
    regionId?: number;
    platform?: string;
    systemService?: string;
    addressPrefixes: string[];
    networkFeatures?: string[] | null;
  };
}

/** A raw tag with defaults for everything the test does not name. */
export function rawTag(
  id: string,
  addressPrefixes: string[],
  properties: Partial<RawTag["properties"]> = {},
): RawTag {
  return {
    name: id,
    id,
    properties: {
      changeNumber: 1,
      region: "",
      systemService: "",
      addressPrefixes,
      ...properties,
    },
  };
}

/** A raw document around the given tags. */
export function rawDocument(
  values: RawTag[],
  header: { changeNumber?: number | string; cloud?: string } = {},
) {
  return {
    changeNumber: header.changeNumber ?? 1,
    cloud: header.cloud ?? "Public",
    values,
  };
}

/** A normalized snapshot of the given tags. */
export function snapshotOf(
  values: RawTag[],
  header: { changeNumber?: number | string; cloud?: string } = {},
): Promise<Snapshot> {
  return normalizeSnapshot(rawDocument(values, header));
}

/** A normalized snapshot back in the download's shape. */
export function documentOf(snapshot: Snapshot) {
  return rawDocument(
    snapshot.tags.map((tag) =>
      rawTag(tag.id, [...tag.prefixes], {
        changeNumber: tag.changeNumber,
        region: tag.region,
        systemService: tag.systemService,
        networkFeatures: [...tag.networkFeatures],
      })
    ),
    { changeNumber: snapshot.changeNumber, cloud: snapshot.cloud },
  );
}

/** Reads and parses a real data file. */
export function readDocument(
  path: string,
): { changeNumber: number; cloud: string; values: RawTag[] } {
  return JSON.parse(Deno.readTextFileSync(path));
}

/**
 * The same document as the Service Tag Discovery API answers it: change
 * numbers as text, no `regionId`, `platform` or `networkFeatures`.
 */
export function toApiShape(
  document: { changeNumber: number | string; cloud: string; values: RawTag[] },
) {
  return {
    name: "Public",
    id:
      "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Network/serviceTags/Public",
    type: "Microsoft.Network/serviceTags",
    changeNumber: String(document.changeNumber),
    cloud: document.cloud,
    values: document.values.map((value) => ({
      name: value.name,
      id: value.id,
      properties: {
        changeNumber: String(value.properties.changeNumber),
        region: value.properties.region,
        systemService: value.properties.systemService,
        addressPrefixes: value.properties.addressPrefixes,
      },
    })),
  };
}
