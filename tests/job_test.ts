import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { GuardError, StoreError, UsageError } from "../src/errors.ts";
import {
  SERVICE_TAGS_BASELINE_STORED,
  SERVICE_TAGS_CHANGED,
  SERVICE_TAGS_CHANGED_OUTSIDE_FILTER,
  SERVICE_TAGS_UNCHANGED,
} from "../src/events.ts";
import { runJob } from "../src/job.ts";
import { LocalStore } from "../src/local_store.ts";
import type { Snapshot, SnapshotInfo } from "../src/snapshot.ts";
import { decodeSnapshot } from "../src/snapshot_codec.ts";
import {
  type Source,
  type SourceDocument,
  sourceDocument,
} from "../src/source.ts";
import type { LatestEntry, Store, StoreObject } from "../src/store.ts";
import { documentOf, rawTag, snapshotOf } from "./support/documents.ts";
import { DelegatingStore } from "./support/delegating_store.ts";
import { folderState } from "./support/files.ts";
import { RecordingLogger } from "./support/recording_logger.ts";

/**
 * A source that delivers `document` (a snapshot in the download's shape by
 * default) with a document hash that changes with its changeNumber, as real
 * files do. `onNormalize` counts the full normalizations.
 */
function sourceOf(
  snapshot: Snapshot,
  onNormalize: () => void = () => {},
  document: unknown = documentOf(snapshot),
): Source {
  const real = sourceDocument(
    `${snapshot.sha256}/${snapshot.changeNumber}`,
    () => Promise.resolve(document),
    (error) => error,
  );
  const delivered: SourceDocument = {
    ...real,
    snapshot: (reference) => {
      onNormalize();
      return real.snapshot(reference);
    },
  };
  return {
    description: "test source",
    read: () => Promise.resolve(delivered),
  };
}

/** The store, counting downloads of `latest`. */
function countingReads(store: Store) {
  return new (class extends DelegatingStore {
    reads = 0;
    override readLatest(entry: LatestEntry, signal?: AbortSignal) {
      this.reads++;
      return super.readLatest(entry, signal);
    }
  })(store);
}

const week1 = await snapshotOf([
  rawTag("AzureCloud.japaneast", ["20.0.0.0/24", "20.0.1.0/24"]),
  rawTag("Storage.JapanEast", ["30.0.0.0/24", "30.0.1.0/24", "30.0.2.0/24"]),
], { changeNumber: 375 });
const week2 = await snapshotOf([
  rawTag("AzureCloud.japaneast", ["20.0.0.0/24", "20.0.2.0/24"], {
    changeNumber: 2,
  }),
  rawTag("Storage.JapanEast", ["30.0.0.0/24", "30.0.1.0/24", "30.0.2.0/24"]),
  rawTag("Sql.JapanEast", ["40.0.0.0/24"]),
], { changeNumber: 376 });

async function run(
  snapshot: Snapshot,
  store: Store,
  options: Partial<Parameters<typeof runJob>[0]> = {},
) {
  const logger = new RecordingLogger();
  const result = await runJob({
    source: sourceOf(snapshot),
    store,
    logger,
    ...options,
  });
  return { result, logger };
}

async function newStore() {
  const root = await Deno.makeTempDir();
  return { root, store: new LocalStore(root) };
}

Deno.test("the first run stores the baseline: the archive, then latest", async () => {
  const { root, store } = await newStore();
  const { result, logger } = await run(week1, store);
  assert.equal(result.status, "baseline");
  assert.equal(result.previous, null);
  assert.deepEqual(result.current, {
    cloud: "Public",
    changeNumber: "375",
    sha256: week1.sha256,
  });
  assert.deepEqual(result.stored, [
    `servicetags/archive/Public_375_${week1.sha256.slice(0, 12)}.json.gz`,
    "servicetags/latest.json.gz",
  ]);
  assert.deepEqual(logger.events(), [SERVICE_TAGS_BASELINE_STORED]);
  const latest = await decodeSnapshot(
    await Deno.readFile(join(root, "servicetags", "latest.json.gz")),
  );
  assert.equal(latest.sha256, week1.sha256);
});

Deno.test("a change stores the archive and both reports before advancing latest", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  const { result, logger } = await run(week2, store);
  assert.equal(result.status, "changed");
  assert.equal(result.previous?.changeNumber, "375");
  assert.equal(result.stored.length, 4);
  assert.match(result.stored[0] ?? "", /^servicetags\/archive\/Public_376_/);
  assert.match(
    result.stored[1] ?? "",
    /^servicetags-report\/Public_375-to-376_[0-9a-f]{8}-[0-9a-f]{8}\.json$/,
  );
  assert.match(
    result.stored[2] ?? "",
    /^servicetags-report\/Public_375-to-376_[0-9a-f]{8}-[0-9a-f]{8}\.md$/,
  );
  assert.equal(result.stored[3], "servicetags/latest.json.gz");
  assert.deepEqual(result.report?.summary, {
    tagsAdded: 1,
    tagsRemoved: 0,
    tagsChanged: 1,
    prefixesAdded: 2,
    prefixesRemoved: 1,
    ipv4PrefixesAdded: 2,
    ipv4PrefixesRemoved: 1,
    ipv6PrefixesAdded: 0,
    ipv6PrefixesRemoved: 0,
    ipv4AddressesAdded: 512,
    ipv4AddressesRemoved: 256,
  });

  const stored = JSON.parse(
    await Deno.readTextFile(join(root, result.stored[1] ?? "")),
  );
  assert.deepEqual(stored, result.report);
  assert.equal(
    await Deno.readTextFile(join(root, result.stored[2] ?? "")),
    result.markdown,
  );

  const changed = logger.records.find((r) =>
    r.fields.event === SERVICE_TAGS_CHANGED
  );
  assert.equal(changed?.level, "info");
  assert.equal(changed?.fields.previousChangeNumber, "375");
  assert.equal(changed?.fields.currentChangeNumber, "376");
  assert.equal(changed?.fields.tagsAdded, 1);
  assert.equal(changed?.fields.prefixesRemoved, 1);
});

Deno.test("the same content again, even under a new changeNumber, is unchanged and writes nothing", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  const before = await folderState(root);
  const bumped = { ...week1, changeNumber: "377" };
  const { result, logger } = await run(bumped, store);
  assert.equal(result.status, "unchanged");
  assert.equal(result.previous?.changeNumber, "375");
  assert.equal(result.report, null);
  assert.deepEqual(result.stored, []);
  assert.deepEqual(logger.events(), [SERVICE_TAGS_UNCHANGED]);
  assert.deepEqual(await folderState(root), before);
});

Deno.test("a run with nothing new does not download the baseline", async () => {
  const { store } = await newStore();
  await run(week1, store);
  const counting = countingReads(store);
  await run(week1, counting);
  assert.equal(counting.reads, 0);
  await run(week2, counting);
  assert.equal(counting.reads, 1);
});

Deno.test("a dry run computes the change and writes nothing", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  const before = await folderState(root);
  const { result } = await run(week2, store, { dryRun: true });
  assert.equal(result.status, "changed");
  assert.equal(result.dryRun, true);
  assert.deepEqual(result.stored, []);
  assert.equal(result.report?.summary.tagsAdded, 1);
  assert.deepEqual(await folderState(root), before);
});

Deno.test("--only limits the report and the change event, but stores the whole snapshot", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  const { result, logger } = await run(week2, store, { only: ["Sql.*"] });
  assert.deepEqual(result.report?.tagsAdded.map((t) => t.id), [
    "Sql.JapanEast",
  ]);
  assert.deepEqual(result.report?.tagsChanged, []);
  assert.deepEqual(result.report?.only, ["Sql.*"]);
  assert.match(result.stored[1] ?? "", /_only-[0-9a-f]{8}\.json$/);
  const changed = logger.records.find((r) =>
    r.fields.event === SERVICE_TAGS_CHANGED
  );
  assert.equal(changed?.fields.tagsChanged, 0);
  assert.equal(changed?.fields.tagsAdded, 1);
  const latest = await decodeSnapshot(
    await Deno.readFile(join(root, "servicetags", "latest.json.gz")),
  );
  assert.equal(latest.sha256, week2.sha256);
});

Deno.test("--only that matches no changed tag advances the baseline without a report", async () => {
  const { store } = await newStore();
  await run(week1, store);
  const { result, logger } = await run(week2, store, { only: ["Storage.*"] });
  assert.equal(result.status, "changed");
  assert.equal(result.report, null);
  assert.equal(result.stored.length, 2);
  assert.deepEqual(logger.events(), [SERVICE_TAGS_CHANGED_OUTSIDE_FILTER]);
  assert.equal((await store.latest())?.sha256, week2.sha256);
});

Deno.test("the guard keeps the baseline when most prefixes disappear, unless accepted", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  const before = await folderState(root);
  const partial = await snapshotOf(
    [rawTag("AzureCloud.japaneast", ["20.0.0.0/24"])],
    { changeNumber: 376 },
  );
  await assert.rejects(() => run(partial, store), GuardError);
  assert.deepEqual(await folderState(root), before);

  const { result } = await run(partial, store, { acceptLargeChange: true });
  assert.equal(result.status, "changed");
  assert.equal(result.report?.summary.tagsRemoved, 1);
});

Deno.test("an empty snapshot never becomes the first baseline unless accepted", async () => {
  const { root, store } = await newStore();
  const empty = await snapshotOf([], { changeNumber: 1 });
  await assert.rejects(
    () => run(empty, store),
    /has no tags; nothing was stored/,
  );
  assert.deepEqual(await folderState(root), {});
});

Deno.test("a run that loses the race for latest re-reads it and ends unchanged", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  // Another run advances latest between this run's read and its write.
  let raced = false;
  const racing = new (class extends DelegatingStore {
    override async replaceLatest(
      object: StoreObject,
      info: SnapshotInfo,
      expected: LatestEntry | null,
    ) {
      if (!raced) {
        raced = true;
        await run(week2, store);
      }
      return super.replaceLatest(object, info, expected);
    }
  })(store);
  const { result, logger } = await run(week2, racing);
  assert.equal(result.status, "unchanged");
  assert.ok(
    logger.records.some((r) =>
      r.level === "warn" &&
      r.message.includes("Another run advanced the baseline")
    ),
  );
  const reports = Object.keys(await folderState(root)).filter((f) =>
    f.startsWith("servicetags-report")
  );
  assert.equal(reports.length, 2, "one JSON and one Markdown report");
});

/** Overwrites week1's archived copy, which a local store reads as `latest`. */
async function replaceBaselineBytes(root: string, bytes: Uint8Array) {
  const name = `Public_375_${week1.sha256.slice(0, 12)}.json.gz`;
  await Deno.writeFile(join(root, "servicetags", "archive", name), bytes);
}

Deno.test("a damaged baseline fails the run with a store error and is left as it was", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  await replaceBaselineBytes(root, new TextEncoder().encode("not gzip"));
  const before = await folderState(root);
  await assert.rejects(() => run(week2, store), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.match(
      error.message,
      /the baseline latest\.json\.gz in local directory .* is unreadable \(the stored snapshot is not valid gzip/,
    );
    return true;
  });
  assert.deepEqual(await folderState(root), before);
});

Deno.test("a baseline whose bytes changed since it was stored is checked again before use", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  // Valid gzip and JSON, but one prefix has host bits set: trusting the
  // stored bytes would carry it into the diff.
  const edited = documentOf(week1);
  edited.values[0]?.properties.addressPrefixes.push("20.0.3.1/24");
  await replaceBaselineBytes(
    root,
    gzipSync(new TextEncoder().encode(JSON.stringify(edited))),
  );
  const before = await folderState(root);
  await assert.rejects(() => run(week2, store), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.match(error.message, /is unreadable \(.*host bits are set/);
    return true;
  });
  assert.deepEqual(await folderState(root), before);
});

Deno.test("a source of another cloud than the store's is refused before anything is written", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  const before = await folderState(root);
  const china = await snapshotOf([
    rawTag("AzureCloud.chinaeast", ["40.0.0.0/24"]),
  ], {
    cloud: "China",
    changeNumber: 400,
  });
  await assert.rejects(
    () => run(china, store),
    (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(
        error.message,
        /holds snapshots of the Public cloud, but the source is China; use one store/,
      );
      return true;
    },
  );
  assert.deepEqual(await folderState(root), before);
});

Deno.test("the very document of the baseline is unchanged without being normalized", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  const before = await folderState(root);
  let normalized = 0;
  const logger = new RecordingLogger();
  const result = await runJob({
    source: sourceOf(week1, () => normalized++),
    store,
    logger,
  });
  assert.equal(normalized, 0);
  assert.equal(result.status, "unchanged");
  assert.equal(logger.records.at(-1)?.fields.decidedBy, "document");
  assert.deepEqual(result.current, {
    cloud: "Public",
    changeNumber: "375",
    sha256: week1.sha256,
  });
  assert.deepEqual(logger.events(), [SERVICE_TAGS_UNCHANGED]);
  assert.deepEqual(await folderState(root), before);
});

Deno.test("the same content under a new changeNumber is unchanged without normalizing or downloading the baseline", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  const before = await folderState(root);
  const counting = countingReads(store);
  let normalized = 0;
  const logger = new RecordingLogger();
  const result = await runJob({
    source: sourceOf({ ...week1, changeNumber: "377" }, () => normalized++),
    store: counting,
    logger,
  });
  assert.equal(result.status, "unchanged");
  assert.equal(logger.records.at(-1)?.fields.decidedBy, "content");
  assert.deepEqual(result.current, {
    cloud: "Public",
    changeNumber: "377",
    sha256: week1.sha256,
  });
  assert.equal(normalized, 0);
  assert.equal(counting.reads, 0);
  assert.deepEqual(await folderState(root), before);
});

Deno.test("the same content spelled and ordered differently is compared with the baseline and unchanged", async () => {
  const { root, store } = await newStore();
  await run(week1, store);
  const before = await folderState(root);
  const counting = countingReads(store);
  let normalized = 0;
  const respelled = documentOf({ ...week1, changeNumber: "377" });
  respelled.values.reverse();
  for (const value of respelled.values) {
    value.properties.addressPrefixes.reverse();
  }
  // A prefix listed twice counts once.
  respelled.values[0]?.properties.addressPrefixes.push("30.0.0.0/24");
  const result = await runJob({
    source: sourceOf(
      { ...week1, changeNumber: "377" },
      () => normalized++,
      respelled,
    ),
    store: counting,
    logger: new RecordingLogger(),
  });
  assert.equal(result.status, "unchanged");
  assert.equal(result.current.sha256, week1.sha256);
  assert.equal(normalized, 1);
  assert.equal(counting.reads, 1);
  assert.deepEqual(await folderState(root), before);
});
