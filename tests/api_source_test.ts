import assert from "node:assert/strict";
import { ApiSource } from "../src/api_source.ts";
import { azureCloud } from "../src/azure_cloud.ts";
import type { CloudName } from "../src/cli.ts";
import { AzureRequestError, SnapshotFormatError } from "../src/errors.ts";
import { normalizeSnapshot } from "../src/snapshot.ts";
import { dataFile } from "./support/data.ts";
import {
  type ApiBehaviour,
  type DiscoveryApi,
  readApiDocument,
  startDiscoveryApi,
} from "./support/discovery_api.ts";
import { mintingCredential } from "./support/jwt.ts";
import { RecordingLogger } from "./support/recording_logger.ts";
import { testTls } from "./support/tls.ts";

/** Reads the source's document and normalizes it, as a run does. */
async function readSnapshot(source: ApiSource, signal?: AbortSignal) {
  return await (await source.read(signal)).snapshot();
}

const SUBSCRIPTION = "9c1f3b0e-5b7a-4f3c-8e2d-1a2b3c4d5e6f";
const WEEK = "ServiceTags_China_20260504.json";

const credential = mintingCredential;

async function withApi(
  behaviour: Partial<ApiBehaviour>,
  test: (api: DiscoveryApi, source: ApiSource) => Promise<void>,
  cloud: CloudName = "AzurePublic",
) {
  const tls = await testTls();
  const document = await readApiDocument(dataFile(WEEK), SUBSCRIPTION);
  const api = startDiscoveryApi(tls, SUBSCRIPTION, {
    document,
    ...behaviour,
  });
  try {
    const source = new ApiSource({
      credential,
      cloud: azureCloud(cloud),
      subscription: SUBSCRIPTION,
      location: "japaneast",
      armEndpoint: api.url,
      logger: new RecordingLogger(),
    });
    await test(api, source);
  } finally {
    await api.close();
  }
}

async function expectedSnapshot() {
  return normalizeSnapshot(
    await readApiDocument(dataFile(WEEK), SUBSCRIPTION),
  );
}

Deno.test("ApiSource reads and normalizes the API's answer", async () => {
  await withApi({}, async (api, source) => {
    const snapshot = await readSnapshot(source);
    assert.deepEqual(snapshot, await expectedSnapshot());
    assert.equal(snapshot.changeNumber, "394");
    assert.equal(snapshot.cloud, "China");
    assert.deepEqual(api.log.map((entry) => entry.status), [200]);
    assert.match(
      api.log[0]?.path ?? "",
      new RegExp(
        `^/subscriptions/${SUBSCRIPTION}/providers/Microsoft\\.Network/locations/japaneast/serviceTags$`,
      ),
    );
  });
});

Deno.test("ApiSource follows nextLink and assembles the same snapshot as an unpaged answer", async () => {
  await withApi({ pageSize: 40 }, async (api, source) => {
    const snapshot = await readSnapshot(source);
    assert.deepEqual(snapshot, await expectedSnapshot());
    const tags = api.behaviour.document.values.length;
    assert.equal(api.log.length, Math.ceil(tags / 40));
    assert.ok(api.log.length > 1);
    assert.ok(api.log.every((entry) => entry.status === 200));
  });
});

Deno.test("ApiSource retries 503 and 429 answers after their Retry-After", async () => {
  for (const failStatus of [503, 429] as const) {
    await withApi({ failures: 2, failStatus }, async (api, source) => {
      const start = performance.now();
      const snapshot = await readSnapshot(source);
      const elapsed = performance.now() - start;
      assert.deepEqual(snapshot, await expectedSnapshot());
      assert.deepEqual(api.log.map((entry) => entry.status), [
        failStatus,
        failStatus,
        200,
      ]);
      // Retry-After: 1 on each failure.
      assert.ok(elapsed >= 1900, `retried after ${elapsed} ms`);
    });
  }
});

Deno.test("ApiSource retries the pages after the first one too", async () => {
  await withApi(
    { pageSize: 200, failAfter: 1, failures: 1 },
    async (api, source) => {
      assert.deepEqual(await readSnapshot(source), await expectedSnapshot());
      assert.deepEqual(api.log.map((entry) => entry.status), [200, 503, 200]);
    },
  );
});

Deno.test("ApiSource reports a lasting 503 with its status and request id", async () => {
  await withApi({ failures: 100 }, async (api, source) => {
    await assert.rejects(() => readSnapshot(source), (error: unknown) => {
      assert.ok(error instanceof AzureRequestError);
      assert.equal(error.status, 503);
      assert.equal(error.requestId, api.log.at(-1)?.requestId);
      assert.match(
        error.message,
        /^could not read the Service Tags for location japaneast from https:\/\/127\.0\.0\.1:\d+ \(HTTP 503, ServiceUnavailable, request id [0-9a-f-]{36}\): Azure kept answering 503 after retries/,
      );
      return true;
    });
    // The first try and the SDK's three retries.
    assert.equal(api.log.length, 4);
  });
});

Deno.test("ApiSource says which permission a 403 lacks, and on which subscription", async () => {
  await withApi({ forbidden: true }, async (api, source) => {
    await assert.rejects(() => readSnapshot(source), (error: unknown) => {
      assert.ok(error instanceof AzureRequestError);
      assert.equal(error.status, 403);
      assert.equal(error.requestId, api.log[0]?.requestId);
      assert.match(
        error.message,
        new RegExp(
          `\\(HTTP 403, AuthorizationFailed, request id ${
            api.log[0]?.requestId
          }\\): the identity needs Microsoft\\.Network/locations/serviceTags/read on the subscription ${SUBSCRIPTION}`,
        ),
      );
      return true;
    });
  });
});

Deno.test("ApiSource asks for a token of its cloud's audience, even at another --arm-endpoint", async () => {
  // The stand-in accepts Azure Public's management audience only.
  await withApi({}, async (_api, source) => {
    await assert.rejects(() => readSnapshot(source), (error: unknown) => {
      assert.ok(error instanceof AzureRequestError);
      assert.equal(error.status, 401);
      assert.match(error.message, /InvalidAuthenticationToken/);
      assert.match(error.message, /the token was refused/);
      return true;
    });
  }, "AzureChinaCloud");
});

Deno.test("ApiSource does not send its token to a nextLink on another host", async () => {
  const tls = await testTls();
  let foreignRequests = 0;
  const foreign = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      cert: tls.cert,
      key: tls.key,
      onListen: () => {},
    },
    () => {
      foreignRequests++;
      return Response.json({ values: [] });
    },
  );
  try {
    await withApi({
      pageSize: 100,
      nextLinkOrigin: `https://localhost:${foreign.addr.port}`,
    }, async (_api, source) => {
      await assert.rejects(
        () => readSnapshot(source),
        (error: unknown) => {
          assert.ok(error instanceof SnapshotFormatError);
          assert.match(
            error.message,
            /nextLink to https:\/\/localhost:\d+, not https:\/\/127\.0\.0\.1:\d+; the job does not send its token there/,
          );
          return true;
        },
      );
    });
    assert.equal(foreignRequests, 0);
  } finally {
    await foreign.shutdown();
  }
});

Deno.test("ApiSource rejects an answer without tags as a format error", async () => {
  await withApi({}, async (api, source) => {
    api.behaviour = {
      ...api.behaviour,
      document: { ...api.behaviour.document, values: undefined as never },
    };
    await assert.rejects(
      () => readSnapshot(source),
      SnapshotFormatError,
      'answered the first page without a "values" array',
    );
  });
});

Deno.test("ApiSource stops at the run's deadline", async () => {
  await withApi({ failures: 100 }, async (_api, source) => {
    const signal = AbortSignal.timeout(300);
    await assert.rejects(
      () => readSnapshot(source, signal),
      (error: unknown) => {
        assert.ok(error instanceof DOMException);
        assert.equal(error.name, "TimeoutError");
        return true;
      },
    );
  });
});

Deno.test("ApiSource gives the same document hash for the same answer, paged or not", async () => {
  const hashes: string[] = [];
  for (const pageSize of [undefined, 700]) {
    await withApi(
      pageSize === undefined ? {} : { pageSize },
      async (_api, source) => {
        hashes.push((await source.read()).sha256);
        hashes.push((await source.read()).sha256);
      },
    );
  }
  assert.equal(new Set(hashes).size, 1);
  assert.match(hashes[0] ?? "", /^[0-9a-f]{64}$/);
});
