import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "../src/content_hash.ts";
import { StoreError } from "../src/errors.ts";
import { archiveName } from "../src/layout.ts";
import { LocalStore, STATE_FOLDER } from "../src/local_store.ts";
import { LATEST_NAME } from "../src/store.ts";
import { folderState } from "./support/files.ts";

const encoder = new TextEncoder();
const infoA = { cloud: "Public", changeNumber: "375", sha256: "a".repeat(64) };
const infoB = { cloud: "Public", changeNumber: "376", sha256: "b".repeat(64) };

async function storeWithArchive(...infos: typeof infoA[]) {
  const root = await Deno.makeTempDir();
  const store = new LocalStore(root);
  for (const info of infos) {
    await store.putSnapshot({
      name: archiveName(info),
      body: encoder.encode(info.changeNumber),
      contentType: "application/gzip",
    });
  }
  return { root, store };
}

function latestObject(text: string) {
  return {
    name: LATEST_NAME,
    body: encoder.encode(text),
    contentType: "application/gzip",
  };
}

Deno.test("an empty or missing folder is an empty store", async () => {
  const root = await Deno.makeTempDir();
  assert.equal(await new LocalStore(root).latest(), null);
  assert.equal(await new LocalStore(join(root, "not-yet")).latest(), null);
});

Deno.test("replaceLatest() writes latest and its state, and latest() reads the state only", async () => {
  const { root, store } = await storeWithArchive(infoA);
  const item = await store.replaceLatest(latestObject("A"), infoA, null);
  assert.deepEqual(item, { key: "servicetags/latest.json.gz", bytes: 1 });
  assert.equal(
    await Deno.readTextFile(join(root, "servicetags", LATEST_NAME)),
    "A",
  );

  const entry = await store.latest();
  assert.equal(entry?.sha256, infoA.sha256);
  assert.equal(entry?.changeNumber, "375");
  assert.equal(entry?.cloud, "Public");
  const bytes = await store.readLatest(entry!);
  assert.equal(new TextDecoder().decode(bytes), "375");
  // Recorded for the bytes readLatest() returns: the archived copy's.
  assert.equal(entry?.storedSha256, await sha256Hex(bytes));
});

Deno.test("replaceLatest() refuses when latest is no longer at the expected version", async () => {
  const { store } = await storeWithArchive(infoA, infoB);
  assert.ok(await store.replaceLatest(latestObject("A"), infoA, null));
  assert.equal(await store.replaceLatest(latestObject("B"), infoB, null), null);

  const seen = await store.latest();
  assert.ok(await store.replaceLatest(latestObject("B"), infoB, seen));
  assert.equal(await store.replaceLatest(latestObject("A"), infoA, seen), null);
  assert.equal((await store.latest())?.sha256, infoB.sha256);
});

Deno.test("readLatest() fails when latest moved on since it was read", async () => {
  const { store } = await storeWithArchive(infoA, infoB);
  await store.replaceLatest(latestObject("A"), infoA, null);
  const old = await store.latest();
  await store.replaceLatest(latestObject("B"), infoB, old);
  await assert.rejects(() => store.readLatest(old!), StoreError);
});

Deno.test("replaceLatest() needs the archive of the content to exist first", async () => {
  const { store } = await storeWithArchive();
  await assert.rejects(
    () => store.replaceLatest(latestObject("A"), infoA, null),
    /archived snapshot .* is missing/,
  );
  assert.equal(await store.latest(), null);
});

Deno.test("putSnapshot() leaves an archive that exists untouched", async () => {
  const { root, store } = await storeWithArchive(infoA);
  const before = await folderState(root);
  await store.putSnapshot({
    name: archiveName(infoA),
    body: encoder.encode("other bytes"),
    contentType: "application/gzip",
  });
  assert.deepEqual(await folderState(root), before);
});

Deno.test("putReport() writes into the report folder and replaces a report of the same name", async () => {
  const { root, store } = await storeWithArchive();
  await store.putReport({
    name: "r.md",
    body: encoder.encode("one"),
    contentType: "text/markdown",
  });
  const item = await store.putReport({
    name: "r.md",
    body: encoder.encode("two"),
    contentType: "text/markdown",
  });
  assert.deepEqual(item, { key: "servicetags-report/r.md", bytes: 3 });
  assert.equal(
    await Deno.readTextFile(join(root, "servicetags-report", "r.md")),
    "two",
  );
});

Deno.test("no temporary file is left in the two containers", async () => {
  const { root, store } = await storeWithArchive(infoA);
  await store.replaceLatest(latestObject("A"), infoA, null);
  await store.putReport({
    name: "r.json",
    body: encoder.encode("{}"),
    contentType: "application/json",
  });
  const files = Object.keys(await folderState(root)).filter((f) =>
    !f.startsWith(STATE_FOLDER)
  ).sort();
  assert.deepEqual(
    files,
    [
      join("servicetags", archiveName(infoA)),
      join("servicetags", "latest.json.gz"),
      join("servicetags-report", "r.json"),
    ].sort(),
  );
});

Deno.test("a damaged state file is a store error that says what to do", async () => {
  const { root, store } = await storeWithArchive();
  await Deno.mkdir(join(root, STATE_FOLDER), { recursive: true });
  await Deno.writeTextFile(join(root, STATE_FOLDER, "state.json"), "{not json");
  await assert.rejects(
    () => store.latest(),
    /is not a valid store state; restore it or remove the store folder/,
  );
});

Deno.test("the source document's hash is kept with latest and read back", async () => {
  const { store } = await storeWithArchive(infoA, infoB);
  await store.replaceLatest(latestObject("A"), {
    ...infoA,
    documentSha256: "d".repeat(64),
  }, null);
  assert.equal((await store.latest())?.documentSha256, "d".repeat(64));
  // A baseline written without one (an older version of the job) has none.
  await store.replaceLatest(latestObject("B"), infoB, await store.latest());
  assert.equal((await store.latest())?.documentSha256, undefined);
});
