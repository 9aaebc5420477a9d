import assert from "node:assert/strict";
import { gunzipSync, gzipSync } from "node:zlib";
import { SnapshotFormatError } from "../src/errors.ts";
import { normalizeSnapshot } from "../src/snapshot.ts";
import { decodeSnapshot, encodeSnapshot } from "../src/snapshot_codec.ts";
import { dataFile } from "./support/data.ts";
import { rawDocument, rawTag, readDocument } from "./support/documents.ts";

const stored = (document: unknown) =>
  gzipSync(new TextEncoder().encode(JSON.stringify(document)));

Deno.test("a stored snapshot reads back as the snapshot that was stored", async () => {
  const snapshot = await normalizeSnapshot(
    readDocument(dataFile("ServiceTags_China_20260406.json")),
  );
  const bytes = await encodeSnapshot(snapshot);
  for (const intact of [true, false]) {
    const recorded = { sha256: snapshot.sha256, intact };
    assert.deepEqual(await decodeSnapshot(bytes, recorded), snapshot);
  }
  assert.deepEqual(await decodeSnapshot(bytes), snapshot);
});

Deno.test("a stored snapshot is one tag per line in the download's shape", async () => {
  const snapshot = await normalizeSnapshot(
    rawDocument([
      rawTag("B", ["20.0.0.0/24"], { regionId: 3, platform: "Azure" }),
      rawTag("A", ["2603:1000::/40", "10.0.0.0/8"], {
        networkFeatures: ["NSG", "API"],
      }),
    ], { changeNumber: 7 }),
  );
  const text = new TextDecoder().decode(
    gunzipSync(await encodeSnapshot(snapshot)),
  );
  assert.equal(
    text,
    '{"changeNumber":"7","cloud":"Public","values":[\n' +
      '{"name":"A","id":"A","properties":{"changeNumber":"1","region":"","systemService":"","addressPrefixes":["10.0.0.0/8","2603:1000::/40"],"networkFeatures":["API","NSG"]}},\n' +
      '{"name":"B","id":"B","properties":{"changeNumber":"1","region":"","regionId":3,"platform":"Azure","systemService":"","addressPrefixes":["20.0.0.0/24"],"networkFeatures":[]}}\n' +
      "]}\n",
  );
});

Deno.test("a stored snapshot without the recorded content hash is checked and normalized", async () => {
  // Written by hand, say: out of order, and the hash of its normalized form.
  const edited = rawDocument([rawTag("A", ["20.0.0.0/24", "10.0.0.0/8"])]);
  const normalized = await normalizeSnapshot(edited);
  const recorded = { sha256: normalized.sha256, intact: false };
  const read = await decodeSnapshot(stored(edited), recorded);
  assert.deepEqual(read.tags[0]?.prefixes, ["10.0.0.0/8", "20.0.0.0/24"]);
  assert.equal(read.sha256, normalized.sha256);

  const broken = rawDocument([rawTag("A", ["10.0.0.1/8"])]);
  await assert.rejects(
    () => decodeSnapshot(stored(broken), recorded),
    (error: unknown) => {
      assert.ok(error instanceof SnapshotFormatError);
      assert.match(error.message, /host bits are set/);
      return true;
    },
  );
});

Deno.test("bytes that are not gzip are a format error", async () => {
  await assert.rejects(
    () => decodeSnapshot(new TextEncoder().encode("{}")),
    (error: unknown) => {
      assert.ok(error instanceof SnapshotFormatError);
      assert.match(error.message, /not valid gzip/);
      return true;
    },
  );
});

Deno.test("intact bytes are taken as stored, without checking or hashing them again", async () => {
  // Only the store's own record of the bytes vouches for them; this shows
  // that nothing else is looked at.
  const asStored = rawDocument([rawTag("A", ["20.0.0.0/24", "10.0.0.0/8"])]);
  const read = await decodeSnapshot(stored(asStored), {
    sha256: "recorded",
    intact: true,
  });
  assert.deepEqual(read.tags[0]?.prefixes, ["20.0.0.0/24", "10.0.0.0/8"]);
  assert.equal(read.sha256, "recorded");
});
