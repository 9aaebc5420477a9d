import assert from "node:assert/strict";
import { SnapshotFormatError } from "../src/errors.ts";
import { parseJsonText } from "../src/json_text.ts";
import {
  normalizeSnapshot,
  ServiceTagsDocument,
  type Snapshot,
} from "../src/snapshot.ts";
import { dataFile, dataFolder } from "./support/data.ts";
import {
  mutateTags,
  randomSource,
  randomTags,
  uniqueIds,
} from "./support/random.ts";
import {
  documentOf,
  rawDocument,
  rawTag,
  readDocument,
  snapshotOf,
  toApiShape,
} from "./support/documents.ts";

function formatError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof SnapshotFormatError, `unexpected ${error}`);
    assert.ok(!error.message.includes("\n"), "the message is one line");
    return error.message;
  }
  assert.fail("expected a SnapshotFormatError");
}

Deno.test("normalizeSnapshot() sorts tags by id and prefixes numerically, IPv4 first", async () => {
  const snapshot = await snapshotOf([
    rawTag("Storage", ["2603:1000::/40", "20.1.0.0/16", "4.0.0.0/8"]),
    rawTag("AzureCloud", ["13.0.0.0/8", "9.0.0.0/8"]),
  ]);
  assert.deepEqual(snapshot.tags.map((t) => t.id), ["AzureCloud", "Storage"]);
  assert.deepEqual(snapshot.tags[1]?.prefixes, [
    "4.0.0.0/8",
    "20.1.0.0/16",
    "2603:1000::/40",
  ]);
});

Deno.test("normalizeSnapshot() drops repeated prefixes, also when spelled differently", async () => {
  const snapshot = await snapshotOf([
    rawTag("A", [
      "2603:1000::/40",
      "10.0.0.0/8",
      "2603:1000:0::/40",
      "10.0.0.0/8",
    ]),
  ]);
  assert.deepEqual(snapshot.tags[0]?.prefixes, [
    "10.0.0.0/8",
    "2603:1000::/40",
  ]);
});

Deno.test("normalizeSnapshot() reads change numbers as text from numbers and strings", async () => {
  const fromFile = await snapshotOf([rawTag("A", [], { changeNumber: 7 })], {
    changeNumber: 375,
  });
  const fromApi = await snapshotOf([rawTag("A", [], { changeNumber: "7" })], {
    changeNumber: "375",
  });
  assert.equal(fromFile.changeNumber, "375");
  assert.equal(fromApi.changeNumber, "375");
  assert.equal(fromFile.tags[0]?.changeNumber, "7");
  assert.equal(fromFile.sha256, fromApi.sha256);
});

Deno.test("normalizeSnapshot() treats null, missing and empty networkFeatures alike and sorts them", async () => {
  const a = await snapshotOf([
    rawTag("A", ["10.0.0.0/8"], { networkFeatures: null }),
  ]);
  const b = await snapshotOf([rawTag("A", ["10.0.0.0/8"])]);
  const c = await snapshotOf([
    rawTag("A", ["10.0.0.0/8"], { networkFeatures: [] }),
  ]);
  assert.equal(a.sha256, b.sha256);
  assert.equal(a.sha256, c.sha256);
  const d = await snapshotOf([
    rawTag("A", [], { networkFeatures: ["VSE", "API", "NSG", "API"] }),
  ]);
  assert.deepEqual(d.tags[0]?.networkFeatures, ["API", "NSG", "VSE"]);
});

Deno.test("the content hash ignores order, names, region ids, platforms and change numbers", async () => {
  const a = await snapshotOf([
    rawTag("A", ["10.0.0.0/8", "20.0.0.0/8"], {
      changeNumber: 1,
      regionId: 3,
      platform: "Azure",
    }),
    rawTag("B", ["30.0.0.0/8"]),
  ], { changeNumber: 1 });
  const b = await snapshotOf([
    rawTag("B", ["30.0.0.0/8"]),
    {
      ...rawTag("A", ["20.0.0.0/8", "10.0.0.0/8"], { changeNumber: 9 }),
      name: "Another name",
    },
  ], { changeNumber: 2 });
  assert.equal(a.sha256, b.sha256);
});

Deno.test("the content hash changes with a prefix, a region, a system service or a network feature", async () => {
  const base = (await snapshotOf([rawTag("A", ["10.0.0.0/8"])])).sha256;
  const variants = [
    await snapshotOf([rawTag("A", ["10.0.0.0/9"])]),
    await snapshotOf([rawTag("A", ["10.0.0.0/8"], { region: "japaneast" })]),
    await snapshotOf([
      rawTag("A", ["10.0.0.0/8"], { systemService: "AzureStorage" }),
    ]),
    await snapshotOf([
      rawTag("A", ["10.0.0.0/8"], { networkFeatures: ["NSG"] }),
    ]),
    await snapshotOf([rawTag("B", ["10.0.0.0/8"])]),
  ];
  const hashes = new Set([base, ...variants.map((s) => s.sha256)]);
  assert.equal(hashes.size, variants.length + 1);
});

Deno.test("normalizeSnapshot() names the problem and where it is", () => {
  assert.equal(
    formatError(() => normalizeSnapshot([])),
    "the document is not a JSON object",
  );
  assert.equal(
    formatError(() => normalizeSnapshot({ changeNumber: 1 })),
    'the document has no "values" array',
  );
  assert.equal(
    formatError(() =>
      normalizeSnapshot(
        rawDocument([
          rawTag("A", []),
          { properties: { addressPrefixes: [] } } as never,
        ]),
      )
    ),
    'values[1]: the value has no "id"',
  );
  assert.equal(
    formatError(() =>
      normalizeSnapshot(
        rawDocument([rawTag("A", []), rawTag("B", []), rawTag("A", [])]),
      )
    ),
    'values[2]: the id "A" appears twice',
  );
  assert.equal(
    formatError(() =>
      normalizeSnapshot(
        rawDocument([
          rawTag("A", []),
          rawTag("Storage", ["10.0.0.0/8", "300.1.0.0/16"]),
        ]),
      )
    ),
    'values[1] (id "Storage"): invalid address prefix "300.1.0.0/16": "300.1.0.0" is not an IPv4 address (four numbers from 0 to 255)',
  );
  assert.equal(
    formatError(() =>
      normalizeSnapshot(
        rawDocument([{ id: "A", properties: {} } as never]),
      )
    ),
    'values[0] (id "A"): "addressPrefixes" is not an array',
  );
});

Deno.test("an empty values array is a valid snapshot without tags", async () => {
  const snapshot = await normalizeSnapshot(rawDocument([]));
  assert.equal(snapshot.tags.length, 0);
});

Deno.test("parseJsonText() says where JSON is broken and when it is truncated", () => {
  assert.equal(
    formatError(() => parseJsonText('{\n  "values": [1,,2]\n}')),
    `not valid JSON at line 2, column 16: unexpected ",2]\\n}"`,
  );
  assert.equal(
    formatError(() => parseJsonText('{\r\n  "values": [\r\n    {"id": "A"')),
    "the JSON ends early at line 3, column 15: the file looks truncated",
  );
  assert.equal(
    formatError(() => parseJsonText("")),
    "the file is empty, not JSON",
  );
  assert.equal(
    formatError(() => parseJsonText("<html>")),
    `not valid JSON at line 1, column 1: unexpected "<html>"`,
  );
});

Deno.test("parseJsonText() accepts a byte order mark and CRLF line endings", () => {
  const document = parseJsonText('\uFEFF{\r\n"values": []\r\n}\r\n');
  assert.deepEqual(document, { values: [] });
});

Deno.test("the API answer of a week normalizes like the download without networkFeatures", async () => {
  const document = readDocument(dataFile("Public_changenumber-376.json"));
  const withoutFeatures = {
    ...document,
    values: document.values.map((v) => ({
      ...v,
      properties: { ...v.properties, networkFeatures: null },
    })),
  };
  const fromApi = await normalizeSnapshot(toApiShape(document));
  assert.equal(
    fromApi.sha256,
    (await normalizeSnapshot(withoutFeatures)).sha256,
  );
  assert.notEqual(fromApi.sha256, (await normalizeSnapshot(document)).sha256);
  assert.equal(fromApi.changeNumber, "376");
  assert.equal(fromApi.tags.length, document.values.length);
});

Deno.test("every real data file normalizes, keeping each tag's prefixes", async () => {
  const files = [...Deno.readDirSync(dataFolder())].filter((e) =>
    e.name.endsWith(".json")
  );
  assert.equal(files.length, 43);
  for (const file of files) {
    const document = readDocument(dataFile(file.name));
    const snapshot = await normalizeSnapshot(document);
    assert.equal(snapshot.tags.length, document.values.length, file.name);
    const expected = document.values.reduce(
      (n, v) => n + new Set(v.properties.addressPrefixes).size,
      0,
    );
    const actual = snapshot.tags.reduce((n, t) => n + t.prefixes.length, 0);
    assert.equal(actual, expected, file.name);
    // Microsoft publishes every list normalized already, which is what lets
    // a renumbered week be recognized without checking each prefix.
    const published = await new ServiceTagsDocument(document).asPublished();
    assert.equal(published.sha256, snapshot.sha256, file.name);
  }
});

Deno.test("real weeks that only bump the changeNumber have the same content hash", async () => {
  const hash = async (name: string) =>
    (await normalizeSnapshot(readDocument(dataFile(name)))).sha256;
  assert.equal(
    await hash("ServiceTags_Public_20250210.json"),
    await hash("ServiceTags_Public_20250217.json"),
  );
  assert.equal(
    await hash("ServiceTags_China_20260406.json"),
    await hash("ServiceTags_China_20260427.json"),
  );
  assert.equal(
    await hash("ServiceTags_AzureGovernment_20260706.json"),
    await hash("ServiceTags_AzureGovernment_20260713.json"),
  );
  // Same top-level changeNumber 346, new content.
  assert.notEqual(
    await hash("ServiceTags_Public_20250217.json"),
    await hash("ServiceTags_Public_20250303.json"),
  );
});

Deno.test("a CRLF file and the same content with LF line endings hash alike", async () => {
  const text = Deno.readTextFileSync(
    dataFile("ServiceTags_AzureGovernment_20260323.json"),
  );
  assert.ok(text.includes("\r\n"));
  const crlf = await normalizeSnapshot(parseJsonText(text));
  const lf = await normalizeSnapshot(
    parseJsonText(text.replaceAll("\r\n", "\n")),
  );
  assert.equal(crlf.sha256, lf.sha256);
});

Deno.test("a document read as published hashes like its snapshot only when it is normalized already", async () => {
  const normalized = rawDocument([
    rawTag("A", ["10.0.0.0/8", "2603:1000::/40"]),
    rawTag("B", ["20.0.0.0/24"]),
  ]);
  const snapshot = await normalizeSnapshot(normalized);
  const asPublished = (document: unknown) =>
    new ServiceTagsDocument(document).asPublished();
  assert.equal((await asPublished(normalized)).sha256, snapshot.sha256);

  const unsorted = rawDocument([
    rawTag("B", ["20.0.0.0/24"]),
    rawTag("A", ["2603:1000::/40", "10.0.0.0/8"]),
  ]);
  const respelled = rawDocument([
    rawTag("A", ["10.0.0.0/8", "2603:1000:0::/40"]),
    rawTag("B", ["20.0.0.0/24"]),
  ]);
  for (const document of [unsorted, respelled]) {
    assert.notEqual((await asPublished(document)).sha256, snapshot.sha256);
    assert.equal((await normalizeSnapshot(document)).sha256, snapshot.sha256);
  }
  // Reading as published checks the shape but no prefix: a bad one only
  // makes the hash differ.
  const broken = rawDocument([rawTag("A", ["10.0.0.1/8"])]);
  assert.equal(typeof (await asPublished(broken)).sha256, "string");
  await assert.rejects(
    async () => await normalizeSnapshot(broken),
    SnapshotFormatError,
  );
});

Deno.test("normalizing beside a baseline takes the baseline's list for each unchanged tag", async () => {
  const baseline = await snapshotOf([
    rawTag("A", ["10.0.0.0/8"]),
    rawTag("B", ["20.0.0.0/24", "20.0.1.0/24"]),
  ]);
  const next = await normalizeSnapshot(
    rawDocument([
      rawTag("A", ["10.0.0.0/8"]),
      rawTag("B", ["20.0.0.0/24", "20.0.2.0/24"]),
    ]),
    baseline,
  );
  assert.equal(next.tags[0]?.prefixes, baseline.tags[0]?.prefixes);
  assert.notEqual(next.tags[1]?.prefixes, baseline.tags[1]?.prefixes);
  assert.deepEqual(next.tags[1]?.prefixes, ["20.0.0.0/24", "20.0.2.0/24"]);
});

/** The snapshot, or the message of the format error. */
async function outcome(run: () => Promise<Snapshot>): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    assert.ok(error instanceof SnapshotFormatError, `unexpected ${error}`);
    return error.message;
  }
}

/**
 * The normalized lists of `snapshot` with small faults, one kind per tag:
 * two neighbours swapped, a repeat, a longer spelling of an IPv6 prefix, a
 * prefix with host bits set, or none.
 */
function withFaults(random: () => number, snapshot: Snapshot) {
  const document = documentOf(snapshot);
  for (const value of document.values) {
    const list = value.properties.addressPrefixes;
    const at = Math.floor(random() * list.length);
    const kind = random();
    if (kind < 0.15 && list.length >= 2) {
      const i = Math.min(at, list.length - 2);
      [list[i], list[i + 1]] = [list[i + 1] as string, list[i] as string];
    } else if (kind < 0.3 && list.length >= 1) {
      list.splice(at, 0, list[at] as string);
    } else if (kind < 0.45) {
      const i = list.findIndex((p) => p.includes("::/"));
      if (i !== -1) list[i] = (list[i] as string).replace("::/", ":0::/");
    } else if (kind < 0.5) {
      list.splice(at, 0, "10.0.0.1/8");
    }
  }
  return document;
}

Deno.test("normalizing beside a baseline gives what normalizing alone gives", async () => {
  for (let seed = 1; seed <= 300; seed++) {
    const random = randomSource(seed);
    const before = uniqueIds(randomTags(random));
    const baseline = await normalizeSnapshot(rawDocument(before));
    const after = uniqueIds(mutateTags(random, before));
    const next = await normalizeSnapshot(rawDocument(after));
    for (const document of [rawDocument(after), withFaults(random, next)]) {
      assert.deepEqual(
        await outcome(() => normalizeSnapshot(document, baseline)),
        await outcome(() => normalizeSnapshot(document)),
        `seed ${seed}`,
      );
    }
  }
});

Deno.test("a real week normalized beside the week before equals it normalized alone", async () => {
  const baseline = await normalizeSnapshot(
    readDocument(dataFile("ServiceTags_Public_20251028.json")),
  );
  const document = readDocument(dataFile("Public_changenumber-376.json"));
  assert.deepEqual(
    await normalizeSnapshot(document, baseline),
    await normalizeSnapshot(document),
  );
});
