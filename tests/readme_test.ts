/**
 * The README's commands are what a newcomer copies: the versions and file
 * names in them must be the real ones.
 */

import assert from "node:assert/strict";
import { runJobProcess } from "./support/job_process.ts";
import { START_FLAGS } from "./support/start_flags.ts";

const root = new URL("../", import.meta.url);
const readme = Deno.readTextFileSync(new URL("README.md", root));
const denoVersion = Deno.readTextFileSync(new URL(".dvmrc", root)).trim();

Deno.test("the README's npx commands use the pinned Deno version", () => {
  const versions = [...readme.matchAll(/npx deno@([0-9.]+)/g)].map((m) => m[1]);
  assert.ok(versions.length > 0);
  for (const version of versions) assert.equal(version, denoVersion);
});

Deno.test("the files the README's first commands read exist", () => {
  const paths = [...readme.matchAll(/--source (tests\/testdata\/[\w.]+)/g)].map(
    (m) => m[1] ?? "",
  );
  assert.ok(paths.length >= 2);
  for (const path of paths) Deno.statSync(new URL(path, root));
});

Deno.test("every deno task the README names exists", () => {
  const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root)));
  const named = new Set(
    [...readme.matchAll(/deno task ([\w:-]+)/g)].map((m) => m[1] ?? ""),
  );
  for (const task of named) {
    assert.ok(task in config.tasks, `deno task ${task}`);
  }
});

Deno.test("the README's first two commands print exactly what the README shows", async () => {
  const intro = readme.indexOf("## Try it in one minute");
  const commands = readme.slice(intro).match(/```sh\n([\s\S]*?)```/)?.[1] ?? "";
  const shown = readme.slice(intro).match(/```text\n([\s\S]*?)```/)?.[1] ?? "";
  const runs = commands.trim().split("\n").map((line) => line.split(/\s+/));
  assert.equal(runs.length, 2);

  const store = await Deno.makeTempDir();
  let printed = "";
  for (const words of runs) {
    assert.deepEqual(words.slice(0, 3), ["deno", "task", "start"]);
    // The commands run in the repository's root, against a store of their own.
    const args = words.slice(3).map((word) =>
      word === "./servicetags-data"
        ? store
        : word.startsWith("tests/")
        ? new URL(word, root).pathname
        : word
    );
    const outcome = await runJobProcess({ args, permissions: START_FLAGS });
    assert.equal(outcome.code, 0, outcome.stderr);
    printed += outcome.stdout;
  }
  assert.equal(printed, shown);
});
