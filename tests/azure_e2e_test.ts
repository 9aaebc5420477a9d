/**
 * The job end to end against local stand-ins for Azure, through its command
 * line as a user runs it: Azurite (over HTTPS, checking tokens) behind a
 * counting proxy, the Discovery API stand-in, and a managed-identity
 * endpoint, with `--blob-endpoint` and `--arm-endpoint`.
 */

import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { sha256Hex } from "../src/content_hash.ts";
import { REPORT_CONTAINER, SNAPSHOT_CONTAINER } from "../src/store.ts";
import { listBlobs, readBlob } from "./support/azurite.ts";
import { barrier } from "./support/blob_proxy.ts";
import {
  type AzureFixture,
  startAzureFixture,
  SUBSCRIPTION,
  WEEK_2,
} from "./support/azure_fixture.ts";
import { finished, type JobRun } from "./support/job_process.ts";

async function withFixture(test: (fixture: AzureFixture) => Promise<void>) {
  const fixture = await startAzureFixture();
  try {
    await test(fixture);
  } finally {
    await fixture.close();
  }
}

function succeeded(run: JobRun): Record<string, unknown> {
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.result, `no JSON result on stdout: ${run.stdout}`);
  return run.result;
}

async function blobNames(fixture: AzureFixture, container: string) {
  return (await listBlobs(fixture.azurite.endpoint, container)).map((b) =>
    b.name
  );
}

async function latestMetadata(fixture: AzureFixture) {
  const blobs = await listBlobs(fixture.azurite.endpoint, SNAPSHOT_CONTAINER);
  return blobs.find((b) => b.name === "latest.json.gz")?.metadata;
}

Deno.test("first run, change, nothing new: statuses, layout, metadata and blob traffic", async () => {
  await withFixture(async (fixture) => {
    const first = succeeded(await fixture.run());
    assert.equal(first.status, "baseline");
    const week1 = first.current as { sha256: string };
    assert.deepEqual(first.stored, [
      `servicetags/archive/AzureGovernment_391_${
        week1.sha256.slice(0, 12)
      }.json.gz`,
      "servicetags/latest.json.gz",
    ]);

    await fixture.serve(WEEK_2);
    const change = await fixture.run();
    const second = succeeded(change);
    assert.equal(second.status, "changed");
    const week2 = second.current as { sha256: string; changeNumber: string };
    assert.equal(week2.changeNumber, "392");
    const stored = second.stored as string[];
    assert.equal(stored.length, 4);
    assert.equal(stored.at(-1), "servicetags/latest.json.gz");
    const changed = change.logs.find((l) => l.event === "ServiceTagsChanged");
    assert.equal(changed?.previousChangeNumber, "391");
    assert.equal(changed?.currentChangeNumber, "392");

    const snapshots = await listBlobs(
      fixture.azurite.endpoint,
      SNAPSHOT_CONTAINER,
    );
    const firstArchive = (first.stored as string[])[0];
    assert.deepEqual(
      snapshots.map((b) => `${SNAPSHOT_CONTAINER}/${b.name}`).sort(),
      [firstArchive, stored[0], stored[3]].sort(),
    );
    for (const blob of snapshots) {
      assert.equal(blob.contentType, "application/gzip", blob.name);
      assert.equal(blob.contentEncoding, undefined, blob.name);
    }
    const metadata = await latestMetadata(fixture);
    assert.match(metadata?.documentsha256 ?? "", /^[0-9a-f]{64}$/);
    const latestBytes = await readBlob(
      fixture.azurite.endpoint,
      SNAPSHOT_CONTAINER,
      "latest.json.gz",
    );
    assert.deepEqual({ ...metadata, documentsha256: undefined }, {
      sha256: week2.sha256,
      changenumber: "392",
      cloud: "AzureGovernment",
      documentsha256: undefined,
      storedsha256: await sha256Hex(latestBytes),
    });
    const reports = await listBlobs(fixture.azurite.endpoint, REPORT_CONTAINER);
    assert.deepEqual(
      reports.map((b) => [`${REPORT_CONTAINER}/${b.name}`, b.contentType]),
      [
        [stored[1], "application/json; charset=utf-8"],
        [stored[2], "text/markdown; charset=utf-8"],
      ],
    );

    const before = fixture.proxy.requests.length;
    const third = succeeded(await fixture.run());
    assert.equal(third.status, "unchanged");
    assert.deepEqual(
      fixture.proxy.requests.slice(before).map((r) => `${r.method} ${r.path}`),
      ["HEAD /servicetags/latest.json.gz"],
    );
  });
});

Deno.test("no token appears in stdout, stderr or the stored blobs", async () => {
  await withFixture(async (fixture) => {
    const runs = [await fixture.run(["--verbose"])];
    await fixture.serve(WEEK_2);
    runs.push(await fixture.run(["--verbose"]), await fixture.run());
    fixture.proxy.intercept = (request, forward) =>
      request.method === "GET" ? forbidden() : forward();
    fixture.api.behaviour = { ...fixture.api.behaviour, forbidden: true };
    runs.push(await fixture.run(["--verbose"]));
    assert.equal(runs.at(-1)?.code, 1);

    const texts = runs.flatMap((run) => [run.stdout, run.stderr]);
    for (const container of [SNAPSHOT_CONTAINER, REPORT_CONTAINER]) {
      for (const name of await blobNames(fixture, container)) {
        const bytes = await readBlob(
          fixture.azurite.endpoint,
          container,
          name,
        );
        const plain = name.endsWith(".gz") ? gunzipSync(bytes) : bytes;
        texts.push(new TextDecoder().decode(plain));
      }
    }
    assert.ok(fixture.imds.tokens.length >= 2, "no token was handed out");
    for (const token of fixture.imds.tokens) {
      const signature = token.split(".")[2] ?? token;
      for (const text of texts) {
        assert.ok(!text.includes(token), "a token was printed or stored");
        assert.ok(!text.includes(signature), "a token part was printed");
      }
    }
  });
});

Deno.test("a paged answer gives the same snapshot as the unpaged one", async () => {
  await withFixture(async (fixture) => {
    const unpaged = succeeded(await fixture.run());
    const pageSize = 50;
    fixture.api.behaviour = { ...fixture.api.behaviour, pageSize };
    const before = fixture.api.log.length;
    const run = await fixture.run();
    const paged = succeeded(run);

    assert.equal(paged.status, "unchanged");
    assert.deepEqual(paged.current, unpaged.current);
    const pages = Math.ceil(
      fixture.api.behaviour.document.values.length / pageSize,
    );
    assert.equal(fixture.api.log.length - before, pages);
    const log = run.logs.find((l) => l.message === "Read a paged answer");
    assert.equal(log?.pages, pages);
  });
});

Deno.test("two runs at once: one advances latest, the other ends unchanged", async () => {
  await withFixture(async (fixture) => {
    succeeded(await fixture.run());
    await fixture.serve(WEEK_2);
    // Hold both runs' writes of latest until both arrived: a real race.
    fixture.proxy.intercept = barrier(
      (r) => r.method === "PUT" && r.path === "/servicetags/latest.json.gz",
      2,
    );

    const runs = await Promise.all([
      finished(fixture.spawn()),
      finished(fixture.spawn()),
    ]);
    const results = runs.map(succeeded);
    assert.deepEqual(results.map((r) => r.status).sort(), [
      "changed",
      "unchanged",
    ]);
    const loser = runs[results.findIndex((r) => r.status === "unchanged")];
    assert.ok(
      loser?.logs.some((l) =>
        l.message === "Another run advanced the baseline first; deciding again"
      ),
    );

    const winner = results.find((r) => r.status === "changed")!;
    const current = winner.current as { sha256: string };
    assert.equal((await latestMetadata(fixture))?.sha256, current.sha256);
    assert.equal((await blobNames(fixture, REPORT_CONTAINER)).length, 2);
    assert.equal(
      (await blobNames(fixture, SNAPSHOT_CONTAINER)).filter((n) =>
        n.startsWith("archive/")
      ).length,
      2,
    );
  });
});

Deno.test("a run killed before it advances latest keeps the baseline; the rerun completes the change", async () => {
  await withFixture(async (fixture) => {
    const first = succeeded(await fixture.run());
    await fixture.serve(WEEK_2);

    let reached: () => void;
    const atLatest = new Promise<void>((resolve) => (reached = resolve));
    fixture.proxy.intercept = (request, forward) => {
      if (
        request.method !== "PUT" || !request.path.endsWith("/latest.json.gz")
      ) {
        return forward();
      }
      reached();
      return fixture.proxy.never();
    };
    const child = fixture.spawn();
    await atLatest;
    child.kill("SIGKILL");
    const killed = await finished(child);
    assert.notEqual(killed.code, 0);

    const baseline = first.current as { sha256: string };
    assert.equal((await latestMetadata(fixture))?.sha256, baseline.sha256);
    const reportsAfterKill = await blobNames(fixture, REPORT_CONTAINER);
    assert.equal(reportsAfterKill.length, 2);

    fixture.proxy.intercept = undefined;
    const rerun = succeeded(await fixture.run());
    assert.equal(rerun.status, "changed");
    const current = rerun.current as { sha256: string };
    assert.equal((await latestMetadata(fixture))?.sha256, current.sha256);
    assert.deepEqual(
      await blobNames(fixture, REPORT_CONTAINER),
      reportsAfterKill,
    );
  });
});

Deno.test("a 403 from Blob Storage fails the run with the role, the container and the request id", async () => {
  await withFixture(async (fixture) => {
    fixture.proxy.intercept = (request, forward) =>
      request.method === "PUT" ? forbidden() : forward();
    const run = await fixture.run();

    assert.equal(run.code, 1);
    const error = (run.result as { error: { name: string; message: string } })
      .error;
    assert.equal(run.result?.status, "failed");
    assert.equal(error.name, "AzureRequestError");
    assert.match(
      error.message,
      new RegExp(
        `^could not write servicetags/archive/AzureGovernment_391_[0-9a-f]{12}\\.json\\.gz in https://127\\.0\\.0\\.1:\\d+/devstoreaccount1 \\(HTTP 403, AuthorizationPermissionMismatch, request id ${FORBIDDEN_REQUEST_ID}\\): the identity needs the role Storage Blob Data Contributor on the container servicetags of `,
      ),
    );
    const failed = run.logs.find((l) => l.event === "ServiceTagsCheckFailed");
    assert.equal(failed?.level, "error");
    assert.equal(failed?.status, 403);
    assert.equal(failed?.requestId, FORBIDDEN_REQUEST_ID);
    assert.deepEqual(await blobNames(fixture, SNAPSHOT_CONTAINER), []);
  });
});

Deno.test("a 403 from the Discovery API names the permission and the subscription", async () => {
  await withFixture(async (fixture) => {
    fixture.api.behaviour = { ...fixture.api.behaviour, forbidden: true };
    const run = await fixture.run();

    assert.equal(run.code, 1);
    const requestId = fixture.api.log.at(-1)?.requestId;
    const message = (run.result as { error: { message: string } }).error
      .message;
    assert.match(
      message,
      new RegExp(
        `\\(HTTP 403, AuthorizationFailed, request id ${requestId}\\): the identity needs Microsoft\\.Network/locations/serviceTags/read on the subscription ${SUBSCRIPTION}`,
      ),
    );
    assert.equal(fixture.proxy.requests.length, 0);
  });
});

const FORBIDDEN_REQUEST_ID = "5f0c4b7e-1d2a-4c3b-9e8f-7a6b5c4d3e2f";

/** Blob Storage's answer to an identity without a data role. */
function forbidden(): Promise<Response> {
  const body =
    '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.\nRequestId:5f0c4b7e-1d2a-4c3b-9e8f-7a6b5c4d3e2f\nTime:2026-01-01T00:00:00.0000000Z</Message></Error>';
  return Promise.resolve(
    new Response(body, {
      status: 403,
      headers: {
        "content-type": "application/xml",
        "x-ms-error-code": "AuthorizationPermissionMismatch",
        "x-ms-request-id": FORBIDDEN_REQUEST_ID,
      },
    }),
  );
}
