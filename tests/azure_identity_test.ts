/**
 * The job's patience with a managed-identity endpoint that is not up yet, as
 * in a container instance that just started. Slow by nature (the SDK gives up
 * on an unreachable endpoint after about five seconds per attempt), so kept
 * apart from the other end-to-end tests to run beside them.
 */

import assert from "node:assert/strict";
import {
  type AzureFixture,
  CLIENT_ID,
  type FixtureOptions,
  startAzureFixture,
} from "./support/azure_fixture.ts";

async function withFixture(
  options: FixtureOptions,
  test: (fixture: AzureFixture) => Promise<void>,
) {
  const fixture = await startAzureFixture(options);
  try {
    await test(fixture);
  } finally {
    await fixture.close();
  }
}

Deno.test("the job waits for an identity endpoint that comes up 10 s late", async () => {
  await withFixture({ imds: { delayMs: 10_000 } }, async (fixture) => {
    const start = performance.now();
    const run = await fixture.run();
    const elapsed = performance.now() - start;

    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result?.status, "baseline");
    assert.ok(elapsed >= 10_000, `finished after ${elapsed} ms`);
    const retries = run.logs.filter((l) =>
      l.message === "Could not get a token yet; retrying"
    );
    assert.ok(retries.length >= 1, run.stderr);
    assert.deepEqual(
      retries.map((l) => l.attempt),
      retries.map((_, i) => i + 1),
    );
    for (const retry of retries) {
      assert.equal(retry.level, "warn");
      assert.equal(
        retry.credential,
        `the managed identity with client id ${CLIENT_ID}`,
      );
    }
    const signedIn = run.logs.find((l) => l.message === "Got the first token");
    assert.equal(signedIn?.attempts, retries.length + 1);
  });
});

Deno.test("an identity endpoint that never comes up fails the run after --identity-timeout", async () => {
  await withFixture({ imds: { delayMs: 600_000 } }, async (fixture) => {
    const run = await fixture.run(["--identity-timeout", "2s"]);

    assert.equal(run.code, 1);
    const error = (run.result as { error: { name: string; message: string } })
      .error;
    assert.equal(error.name, "AzureRequestError");
    assert.match(
      error.message,
      new RegExp(
        `^could not get a token for https://management\\.azure\\.com/\\.default from the managed identity with client id ${CLIENT_ID}: .+; check that the identity is assigned to this container instance or VM$`,
      ),
    );
    assert.equal(fixture.api.log.length, 0);
  });
});
