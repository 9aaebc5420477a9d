/**
 * The job under exactly the production permission set (`permissions.production`
 * in deno.json, which the container build compiles in with
 * `deno compile -P=production`), against the local stand-ins. The stand-ins
 * listen on 127.0.0.1, which production does not allow, so their loopback
 * host:port pairs, and nothing else, are added to the network allow-list:
 * the run proves that no file, process or FFI access and no other host is
 * needed.
 *
 * The stand-ins' certificate is trusted through NODE_EXTRA_CA_CERTS, which
 * Deno reads itself when it sets up TLS, outside the permission checks, so
 * no read permission is added for it.
 */

import assert from "node:assert/strict";
import {
  type AzureFixture,
  startAzureFixture,
  WEEK_2,
} from "./support/azure_fixture.ts";

const config = JSON.parse(
  await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
);

/** `--allow-*` flags of a deno.json permission set. */
function flagsOf(set: Record<string, boolean | string[]>, extraNet: string[]) {
  const flags = ["--no-prompt"];
  for (const [name, value] of Object.entries(set)) {
    const list = name === "net" && Array.isArray(value)
      ? [...value, ...extraNet]
      : value;
    if (list === true) flags.push(`--allow-${name}`);
    else if (Array.isArray(list)) {
      flags.push(`--allow-${name}=${list.join(",")}`);
    }
  }
  return flags;
}

/** The loopback host:port of each stand-in the job talks to. */
function standIns(fixture: AzureFixture): string[] {
  return [fixture.proxy.endpoint, fixture.api.url, fixture.imds.url].map(
    (url) => new URL(url).host,
  );
}

async function withFixture(test: (fixture: AzureFixture) => Promise<void>) {
  const fixture = await startAzureFixture();
  try {
    await test(fixture);
  } finally {
    await fixture.close();
  }
}

Deno.test("the job runs under the production permission set plus the stand-ins' loopback ports", async () => {
  await withFixture(async (fixture) => {
    const permissions = flagsOf(
      config.permissions.production,
      standIns(fixture),
    );
    assert.ok(
      permissions.every((flag) =>
        !/^--allow-(read|write|run|ffi|all)/.test(flag)
      ),
    );

    const first = await fixture.run([], { permissions });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.result?.status, "baseline");

    await fixture.serve(WEEK_2);
    const second = await fixture.run([], { permissions });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.result?.status, "changed");
  });
});

Deno.test("the production permission set alone does not reach a host outside it", async () => {
  await withFixture(async (fixture) => {
    const permissions = flagsOf(config.permissions.production, []);
    const run = await fixture.run(["--identity-timeout", "0"], { permissions });

    // Deno refuses the connection; the identity SDK reports it as a
    // network error, and nothing reached the stand-ins.
    assert.equal(run.code, 1);
    assert.match(run.stderr, /could not get a token .*network_error/);
    assert.equal(fixture.api.log.length, 0);
    assert.equal(fixture.imds.requests.length, 0);
  });
});
