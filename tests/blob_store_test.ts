import assert from "node:assert/strict";
import { sha256Hex } from "../src/content_hash.ts";
import { BlobStore } from "../src/blob_store.ts";
import { AzureRequestError, StoreError } from "../src/errors.ts";
import { REPORT_JSON_CONTENT_TYPE } from "../src/job.ts";
import { infoOf, type Snapshot } from "../src/snapshot.ts";
import {
  encodeSnapshot,
  SNAPSHOT_CONTENT_TYPE,
} from "../src/snapshot_codec.ts";
import { LATEST_NAME, type StoreObject } from "../src/store.ts";
import {
  containerClient,
  createContainers,
  listBlobs,
  readBlob,
  startAzurite,
} from "./support/azurite.ts";
import { rawTag, snapshotOf } from "./support/documents.ts";
import { mintingCredential } from "./support/jwt.ts";
import { RecordingLogger } from "./support/recording_logger.ts";
import { testTls } from "./support/tls.ts";

const week1 = await snapshotOf([rawTag("A", ["10.0.0.0/24"])], {
  changeNumber: 1,
});
const week2 = await snapshotOf([rawTag("A", ["10.0.1.0/24"])], {
  changeNumber: 2,
});

async function latestObject(snapshot: Snapshot): Promise<StoreObject> {
  return {
    name: LATEST_NAME,
    body: await encodeSnapshot(snapshot),
    contentType: SNAPSHOT_CONTENT_TYPE,
  };
}

let containerCount = 0;

/** A store on two new containers of the test's Azurite. */
async function newStore(endpoint: string, logger = new RecordingLogger()) {
  containerCount++;
  const snapshots = `snapshots-${containerCount}`;
  const reports = `reports-${containerCount}`;
  await createContainers(endpoint, [snapshots, reports]);
  const store = new BlobStore({
    credential: mintingCredential,
    endpoint,
    snapshotContainer: snapshots,
    reportContainer: reports,
    scope: "https://storage.azure.com/.default",
    logger,
  });
  return { store, snapshots, reports, logger };
}

Deno.test("BlobStore against Azurite", async (t) => {
  const azurite = await startAzurite(await testTls());
  const endpoint = azurite.endpoint;
  try {
    await t.step("latest() is null in an empty store", async () => {
      const { store } = await newStore(endpoint);
      assert.equal(await store.latest(), null);
    });

    await t.step(
      "the first replaceLatest() writes latest with its metadata, only while there is none",
      async () => {
        const { store, snapshots } = await newStore(endpoint);
        const latest = await latestObject(week1);
        const item = await store.replaceLatest(latest, infoOf(week1), null);
        assert.deepEqual(item, {
          key: `${snapshots}/${LATEST_NAME}`,
          bytes: latest.body.length,
        });

        const [blob] = await listBlobs(endpoint, snapshots);
        assert.equal(blob?.name, LATEST_NAME);
        const storedSha256 = await sha256Hex(latest.body);
        assert.deepEqual(blob?.metadata, {
          sha256: week1.sha256,
          changenumber: "1",
          cloud: "Public",
          storedsha256: storedSha256,
        });
        assert.equal((await store.latest())?.storedSha256, storedSha256);
        assert.equal(blob?.contentType, "application/gzip");
        assert.equal(blob?.contentEncoding, undefined);

        const again = await store.replaceLatest(
          await latestObject(week2),
          infoOf(week2),
          null,
        );
        assert.equal(again, null);
        assert.deepEqual((await store.latest())?.sha256, week1.sha256);
      },
    );

    await t.step(
      "latest() reads metadata and ETag; replaceLatest() on a stale ETag returns null",
      async () => {
        const { store } = await newStore(endpoint);
        await store.replaceLatest(
          await latestObject(week1),
          infoOf(week1),
          null,
        );
        const first = await store.latest();
        assert.ok(first);
        assert.deepEqual(infoOf(first), infoOf(week1));
        assert.match(first.version, /^"0x[0-9A-F]+"$/);

        const advanced = await store.replaceLatest(
          await latestObject(week2),
          infoOf(week2),
          first,
        );
        assert.ok(advanced);
        const stale = await store.replaceLatest(
          await latestObject(week1),
          infoOf(week1),
          first,
        );
        assert.equal(stale, null);
        assert.deepEqual(infoOf((await store.latest())!), infoOf(week2));
      },
    );

    await t.step(
      "the source document's hash is kept in latest's metadata and read back",
      async () => {
        const { store, snapshots } = await newStore(endpoint);
        const documentSha256 = "d".repeat(64);
        await store.replaceLatest(
          await latestObject(week1),
          { ...infoOf(week1), documentSha256 },
          null,
        );
        const [blob] = await listBlobs(endpoint, snapshots);
        assert.equal(blob?.metadata?.documentsha256, documentSha256);
        assert.equal((await store.latest())?.documentSha256, documentSha256);
      },
    );

    await t.step(
      "readLatest() returns the gzip bytes exactly as stored",
      async () => {
        const { store } = await newStore(endpoint);
        const object = await latestObject(week1);
        await store.replaceLatest(object, infoOf(week1), null);
        const bytes = await store.readLatest((await store.latest())!);
        assert.deepEqual(bytes, Uint8Array.from(object.body));
        assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
      },
    );

    await t.step(
      "readLatest() fails when latest changed since latest() was read",
      async () => {
        const { store } = await newStore(endpoint);
        await store.replaceLatest(
          await latestObject(week1),
          infoOf(week1),
          null,
        );
        const entry = (await store.latest())!;
        await store.replaceLatest(
          await latestObject(week2),
          infoOf(week2),
          entry,
        );
        await assert.rejects(
          () => store.readLatest(entry),
          StoreError,
          "changed while it was being read; run again",
        );
      },
    );

    await t.step(
      "putSnapshot() leaves a snapshot that is already there as it is",
      async () => {
        const { store, snapshots } = await newStore(endpoint);
        const object = {
          name: "archive/Public_1_abc.json.gz",
          body: await encodeSnapshot(week1),
          contentType: SNAPSHOT_CONTENT_TYPE,
        };
        const first = await store.putSnapshot(object);
        const before = await listBlobs(endpoint, snapshots);
        const second = await store.putSnapshot(object);
        assert.deepEqual(second, first);
        assert.equal(first.key, `${snapshots}/archive/Public_1_abc.json.gz`);
        assert.deepEqual(await listBlobs(endpoint, snapshots), before);
      },
    );

    await t.step(
      "reports keep their content type and are keyed by the container in use",
      async () => {
        const { store, reports } = await newStore(endpoint);
        const body = new TextEncoder().encode('{"summary":"ü"}\n');
        const item = await store.putReport({
          name: "Public_1-to-2_abc.json",
          body,
          contentType: REPORT_JSON_CONTENT_TYPE,
        });
        assert.deepEqual(item, {
          key: `${reports}/Public_1-to-2_abc.json`,
          bytes: body.length,
        });
        const [blob] = await listBlobs(endpoint, reports);
        assert.equal(blob?.contentType, "application/json; charset=utf-8");
        assert.deepEqual(
          await readBlob(endpoint, reports, "Public_1-to-2_abc.json"),
          body,
        );
      },
    );

    await t.step(
      "latest() without metadata downloads the baseline once to learn what it holds",
      async () => {
        const logger = new RecordingLogger();
        const { store, snapshots } = await newStore(endpoint, logger);
        const body = await encodeSnapshot(week1);
        await containerClient(endpoint, snapshots)
          .getBlockBlobClient(LATEST_NAME)
          .upload(body, body.length);

        const entry = await store.latest();
        assert.ok(entry);
        assert.deepEqual(infoOf(entry), infoOf(week1));
        assert.deepEqual(await store.readLatest(entry), Uint8Array.from(body));
        assert.deepEqual(logger.records.map((r) => [r.level, r.message]), [[
          "warn",
          "The baseline has no metadata; downloading it to learn what it holds",
        ]]);
      },
    );

    await t.step(
      "a missing container is an error that says who creates it",
      async () => {
        const store = new BlobStore({
          credential: mintingCredential,
          endpoint,
          snapshotContainer: "nowhere",
          reportContainer: "nowhere-reports",
          scope: "https://storage.azure.com/.default",
          logger: new RecordingLogger(),
        });
        await assert.rejects(() => store.latest(), (error: unknown) => {
          assert.ok(error instanceof AzureRequestError);
          assert.equal(error.status, 404);
          assert.match(
            error.message,
            /^could not read the metadata of nowhere\/latest\.json\.gz in https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1 \(HTTP 404, ContainerNotFound, request id [0-9a-f-]+\): the container nowhere does not exist in .*; the infrastructure creates it/,
          );
          return true;
        });
      },
    );

    await t.step(
      "a token for another audience is refused, and the message says so",
      async () => {
        const { snapshots, reports } = await newStore(endpoint);
        const store = new BlobStore({
          credential: mintingCredential,
          endpoint,
          snapshotContainer: snapshots,
          reportContainer: reports,
          scope: "https://management.azure.com/.default",
          logger: new RecordingLogger(),
        });
        await assert.rejects(() => store.latest(), (error: unknown) => {
          assert.ok(error instanceof AzureRequestError);
          assert.equal(error.status, 403);
          assert.match(
            error.message,
            /\(HTTP 403, AuthenticationFailed, request id [0-9a-f-]+\): the token was refused; check that --cloud/,
          );
          return true;
        });
      },
    );
  } finally {
    await azurite.close();
  }
});
