/**
 * The workflows' promises that a lint cannot see: nothing secret, pinned
 * actions, sign-in only where an environment guards it, the release only on
 * version tags, and actionlint wired so that it really checks every file.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import config from "../../deno.json" with { type: "json" };

const ROOT = new URL("../../", import.meta.url).pathname;
const FOLDER = join(ROOT, ".github", "workflows");

async function read(name: string): Promise<string> {
  return await Deno.readTextFile(join(FOLDER, name));
}

async function all(): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for await (const entry of Deno.readDir(FOLDER)) {
    texts.set(entry.name, await read(entry.name));
  }
  return texts;
}

/** Each job of a workflow: its id and its text, up to the next job. */
function jobs(workflow: string): Map<string, string> {
  const body = workflow.slice(workflow.search(/^jobs:\s*$/m));
  const parts = body.split(/^ {2}(?=[\w-]+:\s*$)/m).slice(1);
  return new Map(parts.map((part) => [part.split(":")[0] ?? "", part]));
}

Deno.test("the CI, release and daily workflows exist as .yml files", async () => {
  const names = [...(await all()).keys()];
  for (const name of ["ci.yml", "daily.yml", "release.yml"]) {
    assert.ok(names.includes(name), `${name} is missing`);
  }
});

Deno.test("no workflow reads a secret: only repository variables", async () => {
  for (const [name, text] of await all()) {
    assert.doesNotMatch(text, /secrets\./, name);
  }
  assert.match(await read("daily.yml"), /vars\.AZURE_CLIENT_ID/);
});

Deno.test("every action is pinned to a full version", async () => {
  for (const [name, text] of await all()) {
    for (const [, ref] of text.matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)/gm)) {
      assert.match(ref ?? "", /^[\w.-]+\/[\w.-]+@v\d+\.\d+\.\d+$/, name);
    }
  }
});

Deno.test("only jobs in the release and daily environments may request an Azure token", async () => {
  const expected: Record<string, string | null> = {
    "ci.yml/check": null,
    "release.yml/verify": null,
    "release.yml/image": "release",
    "daily.yml/run": "daily",
  };
  const seen: Record<string, string | null> = {};
  for (const [name, text] of await all()) {
    assert.match(text, /^permissions:\n {2}contents: read$/m, name);
    for (const [id, job] of jobs(text)) {
      const environment = /^ {4}environment: (\S+)$/m.exec(job)?.[1] ?? null;
      seen[`${name}/${id}`] = environment;
      const wantsToken = /id-token: write/.test(job);
      const signsIn = /uses: azure\/login@/.test(job);
      assert.equal(wantsToken, environment !== null, `${name}/${id}`);
      assert.equal(signsIn, environment !== null, `${name}/${id}`);
    }
  }
  for (const [job, environment] of Object.entries(expected)) {
    assert.equal(seen[job], environment, job);
  }
});

Deno.test("the release runs only for pushed vX.Y.Z tags", async () => {
  const text = await read("release.yml");
  const trigger = text.slice(
    text.indexOf("\non:"),
    text.indexOf("\npermissions:"),
  );
  assert.equal(
    trigger.trim(),
    'on:\n  push:\n    tags:\n      - "v[0-9]+.[0-9]+.[0-9]+"',
  );
});

Deno.test("the daily run is scheduled off the hour, can be started by hand and never overlaps", async () => {
  const text = await read("daily.yml");
  const cron = /cron: "(\d+) (\d+) \* \* \*"/.exec(text);
  assert.ok(cron, "one daily cron");
  assert.notEqual(Number(cron[1]), 0);
  assert.match(text, /^ {2}workflow_dispatch:$/m);
  assert.match(
    text,
    /^concurrency:\n {2}group: \S+\n {2}cancel-in-progress: false$/m,
  );
  for (const flag of ["--assign-identity", "--acr-identity"]) {
    assert.match(text, new RegExp(`${flag} "\\$RUNTIME_IDENTITY_ID"`));
  }
  assert.match(text, /--restart-policy OnFailure/);
  assert.match(text, /--log-analytics-workspace /);
});

/** Runs the `lint:workflows` task of deno.json in a folder of workflows. */
async function lintWorkflows(files: Record<string, string>) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, ".github", "workflows"), { recursive: true });
    const task = (config.tasks as Record<string, string>)["lint:workflows"];
    await Deno.writeTextFile(
      join(dir, "deno.json"),
      JSON.stringify({ tasks: { "lint:workflows": task } }),
    );
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, ".github", "workflows", name), text);
    }
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "lint:workflows"],
      cwd: dir,
      env: { NO_COLOR: "1", FORCE_COLOR: "0" },
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code, output: decode(stdout) + decode(stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const GOOD = `name: Good
on: push
permissions:
  contents: read
jobs:
  a:
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    steps:
      - run: echo hello
`;

const BROKEN = `name: Broken
on: push
jobs:
  a:
    runs-on: ubuntu-24.04
    timeout-minutes: soon
    steps:
      - run: echo "\${{ github.event.head_commit.message }}"
`;

Deno.test("workflow lint checks every file and fails on a broken one", async () => {
  // The linter reads only its first argument, so the task must hand it a
  // quoted glob: a shell-expanded list would lint the first file alone.
  const { code, output } = await lintWorkflows({
    "a_good.yml": GOOD,
    "b_broken.yml": BROKEN,
  });
  assert.equal(code, 1, output);
  assert.match(output, /Checking 2 workflow file\(s\)/);
  assert.match(output, /b_broken\.yml:6:\d+ .*float number literal/);
  assert.match(output, /b_broken\.yml:8:\d+ .*potentially untrusted/);
});

Deno.test("workflow lint passes clean workflows", async () => {
  const { code, output } = await lintWorkflows({ "good.yml": GOOD });
  assert.equal(code, 0, output);
  assert.match(output, /Checking 1 workflow file\(s\)/);
});
