/**
 * A workstation run: `deno task start` with the `start` task's flags, signed
 * in through the Azure CLI (`az login`), against the local stand-ins. A small
 * script named `az` first on PATH answers `az account get-access-token` as
 * the CLI does.
 *
 * `AZURE_TOKEN_CREDENTIALS=AzureCliCredential` keeps DefaultAzureCredential
 * to the CLI: its managed-identity step would otherwise probe the instance
 * metadata address, and tests send nothing off this machine.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type AzureFixture,
  startAzureFixture,
  SUBSCRIPTION,
  WEEK_2,
} from "./support/azure_fixture.ts";
import { runJobProcess } from "./support/job_process.ts";
import { mintToken, TEST_TENANT } from "./support/jwt.ts";
import { START_FLAGS } from "./support/start_flags.ts";

const FAKE_AZ = `#!/bin/sh
# Answers "az account get-access-token --resource R" like the Azure CLI.
here="$(dirname "$0")"
resource=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--resource" ]; then resource="$2"; fi
  shift
done
echo "$resource" >> "$here/calls.log"
case "$resource" in
  *management*) cat "$here/management.json" ;;
  *storage*) cat "$here/storage.json" ;;
  *) echo "ERROR: no token for $resource" >&2; exit 1 ;;
esac
`;

/** A folder holding the fake `az` and the tokens it hands out. */
async function fakeAzureCli(): Promise<string> {
  const folder = await Deno.makeTempDir({ prefix: "fake-az-" });
  const expiresOn = Math.floor(Date.now() / 1000) + 3600;
  for (
    const [name, audience] of [
      ["management.json", "https://management.azure.com"],
      ["storage.json", "https://storage.azure.com"],
    ]
  ) {
    await Deno.writeTextFile(
      join(folder, name!),
      JSON.stringify({
        accessToken: mintToken(audience!),
        expiresOn: new Date(expiresOn * 1000).toISOString(),
        expires_on: expiresOn,
        subscription: SUBSCRIPTION,
        tenant: TEST_TENANT,
        tokenType: "Bearer",
      }),
    );
  }
  await Deno.writeTextFile(join(folder, "az"), FAKE_AZ, { mode: 0o755 });
  return folder;
}

function workstationRun(fixture: AzureFixture, cli: string) {
  const { AZURE_CLIENT_ID: _, ...env } = fixture.env;
  return runJobProcess({
    args: fixture.args(),
    env: {
      ...env,
      AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
      PATH: `${cli}:${Deno.env.get("PATH") ?? ""}`,
    },
    permissions: START_FLAGS,
  });
}

Deno.test("deno task start signs in with the Azure CLI's sign-in", async () => {
  const fixture = await startAzureFixture();
  const cli = await fakeAzureCli();
  try {
    const first = await workstationRun(fixture, cli);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.result?.status, "baseline");

    await fixture.serve(WEEK_2);
    const second = await workstationRun(fixture, cli);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.result?.status, "changed");

    const calls = (await Deno.readTextFile(join(cli, "calls.log")))
      .trim().split("\n");
    assert.deepEqual([...new Set(calls)].sort(), [
      "https://management.azure.com",
      "https://storage.azure.com",
    ]);
    assert.equal(fixture.imds.requests.length, 0);
  } finally {
    await fixture.close();
    await Deno.remove(cli, { recursive: true });
  }
});
