/**
 * Runs killed at random moments, and runs started at the same time, on the
 * local store: the store must always hold whole files, and the change must
 * end up reported exactly once.
 */

import assert from "node:assert/strict";
import { join, sep as SEP } from "node:path";
import { gunzipSync } from "node:zlib";
import { LocalStore } from "../src/local_store.ts";
import { normalizeSnapshot } from "../src/snapshot.ts";
import { decodeSnapshot } from "../src/snapshot_codec.ts";
import { dataFile } from "./support/data.ts";
import { folderState } from "./support/files.ts";
import {
  finished,
  runJobProcess as runProcess,
  spawnJob as spawnProcess,
} from "./support/job_process.ts";
import { START_FLAGS } from "./support/start_flags.ts";

const previousFile = dataFile("ServiceTags_Public_20251028.json");
const currentFile = dataFile("Public_changenumber-376.json");
const previousHash = (await normalizeSnapshot(
  JSON.parse(Deno.readTextFileSync(previousFile)),
)).sha256;
const currentHash = (await normalizeSnapshot(
  JSON.parse(Deno.readTextFileSync(currentFile)),
)).sha256;

/** Every file in the two containers is whole: snapshots decode, reports parse. */
async function assertWholeFiles(root: string) {
  const files = Object.keys(await folderState(root));
  for (const file of files) {
    const path = join(root, file);
    if (file.startsWith(`servicetags${SEP}`)) {
      const snapshot = await decodeSnapshot(await Deno.readFile(path));
      assert.ok(
        [previousHash, currentHash].includes(snapshot.sha256),
        `${file} holds a known snapshot`,
      );
    } else if (
      file.endsWith(".json") && file.startsWith("servicetags-report")
    ) {
      JSON.parse(await Deno.readTextFile(path));
    } else if (file.endsWith(".md")) {
      const text = await Deno.readTextFile(path);
      assert.ok(
        text.startsWith("# Azure Service Tags changed") &&
          text.endsWith("```\n"),
        `${file} is whole`,
      );
    }
  }
  return files;
}

/** A run on the newer week, with the result as JSON. */
const changeArgs = (root: string) => [
  "--source",
  currentFile,
  "--store",
  root,
  "--format",
  "json",
];

async function baselineStore(): Promise<string> {
  const root = await Deno.makeTempDir();
  const outcome = await runJobProcess([
    "--source",
    previousFile,
    "--store",
    root,
  ]);
  assert.equal(outcome.code, 0, outcome.stderr);
  return root;
}

async function copyStore(template: string): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const file of Object.keys(await folderState(template))) {
    await Deno.mkdir(join(root, file, ".."), { recursive: true });
    await Deno.copyFile(join(template, file), join(root, file));
  }
  return root;
}

const runJobProcess = (args: string[]) =>
  runProcess({ args, permissions: START_FLAGS });
const spawnJob = (args: string[]) =>
  spawnProcess({ args, permissions: START_FLAGS });

const reportsIn = (files: string[]) =>
  files.filter((f) => f.startsWith("servicetags-report")).sort();

Deno.test("a run killed at a random moment leaves whole files, and a rerun reports the change once", async () => {
  const template = await baselineStore();
  // Kill moments spread over the length of one whole change run here.
  const timed = await copyStore(template);
  const start = performance.now();
  await runJobProcess(["--source", currentFile, "--store", timed]);
  const runMs = performance.now() - start;
  const delays = Array.from(
    { length: 10 },
    (_, i) => Math.round((i + Math.random()) * runMs / 10),
  );
  for (const delay of delays) {
    const root = await copyStore(template);
    const child = spawnJob(["--source", currentFile, "--store", root]);
    await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      child.kill("SIGKILL");
    } catch {
      // It finished before the kill: still a valid case.
    }
    await finished(child);
    await assertWholeFiles(root);

    const rerun = await runJobProcess(changeArgs(root));
    assert.equal(
      rerun.code,
      0,
      `rerun after a kill at ${delay} ms: ${rerun.stderr}`,
    );
    assert.ok(
      ["changed", "unchanged"].includes(JSON.parse(rerun.stdout).status),
    );
    const files = await assertWholeFiles(root);
    assert.equal(
      reportsIn(files).length,
      2,
      `one report pair after a kill at ${delay} ms: ${reportsIn(files)}`,
    );
    assert.equal((await new LocalStore(root).latest())?.sha256, currentHash);
    const latest = gunzipSync(
      await Deno.readFile(join(root, "servicetags", "latest.json.gz")),
    );
    assert.equal(
      (await normalizeSnapshot(JSON.parse(new TextDecoder().decode(latest))))
        .sha256,
      currentHash,
    );
  }
});

Deno.test("two runs at once: one reports the change, the other finds it unchanged", async () => {
  for (let round = 0; round < 3; round++) {
    const root = await baselineStore();
    const changeRun = () => finished(spawnJob(changeArgs(root)));
    const outcomes = await Promise.all([changeRun(), changeRun()]);
    for (const outcome of outcomes) {
      assert.equal(outcome.code, 0, outcome.stderr);
    }
    const statuses = outcomes.map((o) => JSON.parse(o.stdout).status).sort();
    assert.deepEqual(statuses, ["changed", "unchanged"]);
    const files = await assertWholeFiles(root);
    assert.equal(reportsIn(files).length, 2);
    assert.equal((await new LocalStore(root).latest())?.sha256, currentHash);
  }
});
