import assert from "node:assert/strict";
import { join } from "node:path";
import { dataFolder } from "./support/data.ts";
import { fetchRealData, readManifest, sha256Hex } from "./support/real_data.ts";

Deno.test("the manifest names every real data file with its exact size and hash", async () => {
  const manifest = readManifest();
  const present = [...Deno.readDirSync(dataFolder())]
    .map((entry) => entry.name)
    .filter((name) => name.endsWith(".json"))
    .sort();
  assert.deepEqual(manifest.map((f) => f.name).sort(), present);
  for (const file of manifest) {
    const bytes = await Deno.readFile(join(dataFolder(), file.name));
    assert.equal(bytes.length, file.bytes, file.name);
    assert.equal(await sha256Hex(bytes), file.sha256, file.name);
    assert.match(
      file.url,
      /^https:\/\/raw\.githubusercontent\.com\/[\w.-]+\/[\w.-]+\/[0-9a-f]{40}\//,
    );
  }
});

/** Serves the real files as if from their mirrors, optionally damaged. */
function mirror(
  damage: (name: string, bytes: Uint8Array) => Uint8Array = (_, b) => b,
) {
  const requested: string[] = [];
  const byUrl = new Map(readManifest().map((f) => [f.url, f.name]));
  const fake = (input: string | URL | Request) => {
    const name = byUrl.get(String(input)) ?? "";
    requested.push(name);
    const bytes = damage(name, Deno.readFileSync(join(dataFolder(), name)));
    return Promise.resolve(new Response(bytes as Uint8Array<ArrayBuffer>));
  };
  return { fetch: fake as typeof fetch, requested };
}

Deno.test("fetchRealData() keeps the downloads whose size and hash match, and skips files already there", async () => {
  const destination = await Deno.makeTempDir();
  const files = readManifest().filter((f) =>
    f.name.startsWith("ServiceTags_China_2026041")
  );
  const first = mirror();
  assert.deepEqual(
    await fetchRealData({ destination, files, fetch: first.fetch }),
    files.map((f) => f.name),
  );
  for (const file of files) {
    assert.equal(
      await sha256Hex(await Deno.readFile(join(destination, file.name))),
      file.sha256,
    );
  }

  const second = mirror();
  assert.deepEqual(
    await fetchRealData({ destination, files, fetch: second.fetch }),
    [],
  );
  assert.deepEqual(second.requested, []);
});

Deno.test("fetchRealData() refuses a download that differs and keeps nothing of it", async () => {
  const destination = await Deno.makeTempDir();
  const files = readManifest().filter((f) =>
    f.name === "ServiceTags_China_20260413.json"
  );
  const damaged = mirror((_, bytes) => bytes.slice(0, bytes.length - 10));
  await assert.rejects(
    () => fetchRealData({ destination, files, fetch: damaged.fetch }),
    /ServiceTags_China_20260413\.json: .* gave \d+ bytes with SHA-256 [0-9a-f]{64}, expected \d+ bytes/,
  );
  assert.deepEqual([...Deno.readDirSync(destination)], []);
});

Deno.test("the workflows that run the tests download the real data first and point the tests at it", () => {
  for (const workflow of ["ci.yml", "release.yml"]) {
    const text = Deno.readTextFileSync(
      new URL(`../.github/workflows/${workflow}`, import.meta.url),
    );
    const download = text.indexOf(
      'tests/support/real_data.ts "$RUNNER_TEMP/servicetags-data"',
    );
    const test = text.indexOf("run: deno task test");
    assert.ok(
      download > 0 && download < test,
      `${workflow} downloads before testing`,
    );
    const testStep = text.slice(text.lastIndexOf("- name:", test), test);
    assert.match(
      testStep,
      /SERVICETAGS_TEST_DATA: \$\{\{ runner\.temp \}\}\/servicetags-data/,
      workflow,
    );
  }
});
