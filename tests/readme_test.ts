/**
 * The README's commands are what a newcomer copies: the versions and file
 * names in them must be the real ones.
 */

import assert from "node:assert/strict";

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
