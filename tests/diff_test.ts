import assert from "node:assert/strict";
import {
  applyDiff,
  diffSnapshots,
  filterDiff,
  isEmptyDiff,
  type SnapshotDiff,
  summarizeDiff,
} from "../src/diff.ts";
import { normalizeSnapshot, type Snapshot } from "../src/snapshot.ts";
import { dataFile } from "./support/data.ts";
import { rawTag, readDocument, snapshotOf } from "./support/documents.ts";
import {
  mutateTags,
  randomSource,
  randomTags,
  uniqueIds,
} from "./support/random.ts";

const ids = (tags: readonly { id: string }[]) => tags.map((t) => t.id);

/** The diff with tags and prefixes as plain text, to compare two diffs. */
function plain(diff: SnapshotDiff) {
  return {
    added: ids(diff.tagsAdded),
    removed: ids(diff.tagsRemoved),
    changed: diff.tagsChanged.map((c) => ({
      id: c.current.id,
      added: c.prefixesAdded,
      removed: c.prefixesRemoved,
      featuresAdded: c.networkFeaturesAdded,
      featuresRemoved: c.networkFeaturesRemoved,
      region: [c.previous.region, c.current.region],
      systemService: [c.previous.systemService, c.current.systemService],
    })),
  };
}

function mirrored(diff: ReturnType<typeof plain>) {
  return {
    added: diff.removed,
    removed: diff.added,
    changed: diff.changed.map((c) => ({
      id: c.id,
      added: c.removed,
      removed: c.added,
      featuresAdded: c.featuresRemoved,
      featuresRemoved: c.featuresAdded,
      region: [...c.region].reverse(),
      systemService: [...c.systemService].reverse(),
    })),
  };
}

async function randomPairs(count: number): Promise<[Snapshot, Snapshot][]> {
  const pairs: [Snapshot, Snapshot][] = [];
  for (let seed = 1; seed <= count; seed++) {
    const random = randomSource(seed);
    const before = uniqueIds(randomTags(random));
    const after = uniqueIds(mutateTags(random, before));
    pairs.push([
      await snapshotOf(before, { changeNumber: 1 }),
      await snapshotOf(after, { changeNumber: 2 }),
    ]);
  }
  return pairs;
}

Deno.test("diffSnapshots() reports added, removed and changed tags with their prefixes", async () => {
  const before = await snapshotOf([
    rawTag("Kept", ["10.0.0.0/8"]),
    rawTag("Gone", ["20.0.0.0/8"]),
    rawTag("Moved", ["30.0.0.0/8", "31.0.0.0/8", "2603::/16"], {
      changeNumber: 4,
    }),
  ]);
  const after = await snapshotOf([
    rawTag("Kept", ["10.0.0.0/8"]),
    rawTag("New", ["40.0.0.0/8"]),
    rawTag("Moved", ["2603::/16", "32.0.0.0/8", "30.0.0.0/8", "2604::/16"], {
      changeNumber: 5,
    }),
  ]);
  const diff = diffSnapshots(before, after);
  assert.deepEqual(ids(diff.tagsAdded), ["New"]);
  assert.deepEqual(ids(diff.tagsRemoved), ["Gone"]);
  assert.equal(diff.tagsChanged.length, 1);
  const change = diff.tagsChanged[0];
  assert.deepEqual(change?.prefixesAdded, [
    "32.0.0.0/8",
    "2604::/16",
  ]);
  assert.deepEqual(change?.prefixesRemoved, ["31.0.0.0/8"]);
  assert.equal(change?.previous.changeNumber, "4");
  assert.equal(change?.current.changeNumber, "5");
});

Deno.test("diffSnapshots() reports region, system service and network feature changes", async () => {
  const before = await snapshotOf([
    rawTag("A", ["10.0.0.0/8"], {
      region: "westus",
      networkFeatures: ["API", "NSG"],
    }),
  ]);
  const after = await snapshotOf([
    rawTag("A", ["10.0.0.0/8"], {
      region: "eastus",
      systemService: "X",
      networkFeatures: ["NSG", "UDR"],
    }),
  ]);
  const [change] = diffSnapshots(before, after).tagsChanged;
  assert.equal(change?.previous.region, "westus");
  assert.equal(change?.current.region, "eastus");
  assert.equal(change?.current.systemService, "X");
  assert.deepEqual(change?.networkFeaturesAdded, ["UDR"]);
  assert.deepEqual(change?.networkFeaturesRemoved, ["API"]);
  assert.deepEqual(change?.prefixesAdded, []);
});

Deno.test("a tag whose only change is its changeNumber is not a changed tag", async () => {
  const before = await snapshotOf([
    rawTag("A", ["10.0.0.0/8"], { changeNumber: 1 }),
  ]);
  const after = await snapshotOf([
    rawTag("A", ["10.0.0.0/8"], { changeNumber: 2 }),
  ]);
  assert.ok(isEmptyDiff(diffSnapshots(before, after)));
});

Deno.test("summarizeDiff() counts (tag, prefix) pairs per family and IPv4 addresses", async () => {
  const before = await snapshotOf([
    rawTag("Gone", ["20.0.0.0/24", "2603::/16"]),
    rawTag("C", ["10.0.0.0/30"]),
  ]);
  const after = await snapshotOf([
    rawTag("New", ["40.0.0.0/31", "2604::/16", "2605::/16"]),
    rawTag("C", ["10.0.0.0/29"]),
  ]);
  assert.deepEqual(summarizeDiff(diffSnapshots(before, after)), {
    tagsAdded: 1,
    tagsRemoved: 1,
    tagsChanged: 1,
    prefixesAdded: 4,
    prefixesRemoved: 3,
    ipv4PrefixesAdded: 2,
    ipv4PrefixesRemoved: 2,
    ipv6PrefixesAdded: 2,
    ipv6PrefixesRemoved: 1,
    ipv4AddressesAdded: 2 + 8,
    ipv4AddressesRemoved: 256 + 4,
  });
});

Deno.test("diff(a, a) is empty", async () => {
  for (const [a, b] of await randomPairs(40)) {
    assert.ok(isEmptyDiff(diffSnapshots(a, a)));
    assert.ok(isEmptyDiff(diffSnapshots(b, b)));
  }
});

Deno.test("diff(b, a) mirrors diff(a, b)", async () => {
  for (const [a, b] of await randomPairs(40)) {
    assert.deepEqual(
      plain(diffSnapshots(b, a)),
      mirrored(plain(diffSnapshots(a, b))),
    );
  }
});

Deno.test("applying diff(a, b) to a gives b", async () => {
  let nonEmpty = 0;
  for (const [a, b] of await randomPairs(40)) {
    const diff = diffSnapshots(a, b);
    if (!isEmptyDiff(diff)) nonEmpty++;
    const rebuilt = await applyDiff(a, diff, {
      cloud: b.cloud,
      changeNumber: b.changeNumber,
    });
    assert.equal(rebuilt.sha256, b.sha256);
  }
  assert.ok(nonEmpty > 30, "the generator produces real changes");
});

Deno.test("filterDiff() keeps only the tags that pass the filter", async () => {
  const before = await snapshotOf([
    rawTag("AzureCloud.japaneast", ["10.0.0.0/8"]),
    rawTag("Storage", ["20.0.0.0/8"]),
  ]);
  const after = await snapshotOf([
    rawTag("AzureCloud.japaneast", ["11.0.0.0/8"]),
    rawTag("Storage", ["21.0.0.0/8"]),
  ]);
  const filtered = filterDiff(
    diffSnapshots(before, after),
    (id) => id.startsWith("Storage"),
  );
  assert.deepEqual(filtered.tagsChanged.map((c) => c.current.id), ["Storage"]);
});

/** An independent count over the raw files, with sets of "id prefix" pairs. */
function expectedSummary(beforeFile: string, afterFile: string) {
  const pairs = (name: string) => {
    const set = new Set<string>();
    for (const v of readDocument(dataFile(name)).values) {
      for (const p of v.properties.addressPrefixes) set.add(`${v.id} ${p}`);
    }
    return set;
  };
  const a = pairs(beforeFile);
  const b = pairs(afterFile);
  const added = [...b].filter((x) => !a.has(x));
  const removed = [...a].filter((x) => !b.has(x));
  const v4 = (list: string[]) => list.filter((x) => !x.includes(":"));
  const addresses = (list: string[]) =>
    v4(list).reduce((n, x) => n + 2 ** (32 - Number(x.split("/")[1])), 0);
  return {
    prefixesAdded: added.length,
    prefixesRemoved: removed.length,
    ipv4PrefixesAdded: v4(added).length,
    ipv4PrefixesRemoved: v4(removed).length,
    ipv4AddressesAdded: addresses(added),
    ipv4AddressesRemoved: addresses(removed),
  };
}

async function realDiff(beforeFile: string, afterFile: string) {
  const before = await normalizeSnapshot(readDocument(dataFile(beforeFile)));
  const after = await normalizeSnapshot(readDocument(dataFile(afterFile)));
  const diff = diffSnapshots(before, after);
  return { diff, summary: summarizeDiff(diff), after, before };
}

Deno.test("real weeks: counts match an independent count of (tag, prefix) pairs", async () => {
  const pairs: [string, string][] = [
    ["ServiceTags_Public_20251028.json", "Public_changenumber-376.json"],
    ["ServiceTags_Public_20250908.json", "Public_changenumber-371.json"],
    ["ServiceTags_Public_20200803.json", "ServiceTags_Public_20200810.json"],
    [
      "ServiceTags_AzureGovernment_20260323.json",
      "ServiceTags_AzureGovernment_20260504.json",
    ],
    ["ServiceTags_China_20260713.json", "ServiceTags_China_20260720.json"],
  ];
  for (const [before, after] of pairs) {
    const { summary } = await realDiff(before, after);
    const expected = expectedSummary(before, after);
    const compared = Object.fromEntries(
      Object.keys(expected).map((
        key,
      ) => [key, summary[key as keyof typeof summary]]),
    );
    assert.deepEqual(
      compared,
      expected,
      `${before} -> ${after}`,
    );
  }
});

Deno.test("real weeks: the tags added and removed are the ids that appear and disappear", async () => {
  const cases: [string, string][] = [
    ["ServiceTags_Public_20250908.json", "Public_changenumber-371.json"],
    ["ServiceTags_Public_20200803.json", "ServiceTags_Public_20200810.json"],
    [
      "ServiceTags_AzureGovernment_20260323.json",
      "ServiceTags_AzureGovernment_20260504.json",
    ],
    ["ServiceTags_Public_20250217.json", "ServiceTags_Public_20250303.json"],
  ];
  for (const [beforeFile, afterFile] of cases) {
    const beforeIds = new Set(
      readDocument(dataFile(beforeFile)).values.map((v) => v.id),
    );
    const afterIds = new Set(
      readDocument(dataFile(afterFile)).values.map((v) => v.id),
    );
    const { diff } = await realDiff(beforeFile, afterFile);
    assert.deepEqual(
      ids(diff.tagsAdded),
      [...afterIds].filter((id) => !beforeIds.has(id)).sort(),
    );
    assert.deepEqual(
      ids(diff.tagsRemoved),
      [...beforeIds].filter((id) => !afterIds.has(id)).sort(),
    );
  }
});

Deno.test("real weeks: the documented changes show up (37 tags for BelgiumCentral, 41 removed in 2020, USGovIowa)", async () => {
  assert.equal(
    (await realDiff(
      "ServiceTags_Public_20250908.json",
      "Public_changenumber-371.json",
    )).summary.tagsAdded,
    37,
  );
  assert.equal(
    (await realDiff(
      "ServiceTags_Public_20200803.json",
      "ServiceTags_Public_20200810.json",
    )).summary.tagsRemoved,
    41,
  );
  const gov = (await realDiff(
    "ServiceTags_AzureGovernment_20260323.json",
    "ServiceTags_AzureGovernment_20260504.json",
  )).summary;
  assert.equal(gov.tagsRemoved, 32);
  assert.equal(gov.tagsAdded, 3);
  const { diff, after } = await realDiff(
    "ServiceTags_Public_20251028.json",
    "Public_changenumber-376.json",
  );
  assert.equal(
    (await applyDiff(
      (await realDiff(
        "ServiceTags_Public_20251028.json",
        "Public_changenumber-376.json",
      )).before,
      diff,
      after,
    )).sha256,
    after.sha256,
  );
});
