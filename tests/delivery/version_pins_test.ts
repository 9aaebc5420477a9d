/**
 * One Deno version everywhere: `.dvmrc` names it, and the Dockerfile's
 * builder image and every workflow's setup-deno step must agree with it.
 */

import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The `denoland/deno:<tag>` tags the Dockerfile builds from. */
function dockerfileDenoTags(dockerfile: string): string[] {
  return [...dockerfile.matchAll(/^FROM\s+denoland\/deno:(\S+)/gim)]
    .map((m) => m[1] ?? "");
}

/**
 * Problems with the Deno pins of one workflow: every setup-deno step must
 * read `.dvmrc`, and any `deno-version:` must equal it.
 */
function workflowDenoProblems(workflow: string, pinned: string): string[] {
  const problems: string[] = [];
  const lines = workflow.split("\n");
  lines.forEach((line, index) => {
    if (!/uses:\s*denoland\/setup-deno@/.test(line)) return;
    // The step's keys line up with `uses:`; the next step starts further left.
    const indent = line.indexOf("uses:");
    const block: string[] = [];
    for (const next of lines.slice(index + 1)) {
      const nextIndent = next.search(/\S/);
      if (nextIndent !== -1 && nextIndent < indent) break;
      block.push(next);
    }
    const file = block.find((l) => /deno-version-file:/.test(l));
    const version = block.find((l) => /deno-version:/.test(l));
    if (version) {
      const value = version.split(":")[1]?.trim().replace(/^["']|["']$/g, "");
      if (value !== pinned) {
        problems.push(
          `line ${index + 1}: deno-version ${value} is not ${pinned}`,
        );
      }
    } else if (!file || !/deno-version-file:\s*\.dvmrc\s*$/.test(file)) {
      problems.push(`line ${index + 1}: setup-deno does not read .dvmrc`);
    }
  });
  return problems;
}

async function workflows(): Promise<Map<string, string>> {
  const folder = join(ROOT, ".github", "workflows");
  const texts = new Map<string, string>();
  for await (const entry of Deno.readDir(folder)) {
    if (/\.ya?ml$/.test(entry.name)) {
      texts.set(entry.name, await Deno.readTextFile(join(folder, entry.name)));
    }
  }
  return texts;
}

const pinned = (await Deno.readTextFile(join(ROOT, ".dvmrc"))).trim();

Deno.test(".dvmrc names one exact Deno version", () => {
  assert.match(pinned, /^\d+\.\d+\.\d+$/);
});

Deno.test("the Dockerfile builds with the Deno of .dvmrc", async () => {
  const tags = dockerfileDenoTags(
    await Deno.readTextFile(join(ROOT, "Dockerfile")),
  );
  assert.deepEqual(tags, [pinned]);
});

Deno.test("every workflow sets up the Deno of .dvmrc", async () => {
  const all = await workflows();
  let setups = 0;
  for (const [name, text] of all) {
    setups += text.match(/uses:\s*denoland\/setup-deno@/g)?.length ?? 0;
    assert.deepEqual(workflowDenoProblems(text, pinned), [], name);
  }
  assert.ok(setups >= 3, `only ${setups} setup-deno steps found`);
});

Deno.test("the pin checks catch a Dockerfile and a workflow that drift", () => {
  assert.deepEqual(
    dockerfileDenoTags("FROM denoland/deno:2.8.0 AS build\nFROM scratch\n"),
    ["2.8.0"],
  );
  const drifted = [
    "    steps:",
    "      - uses: denoland/setup-deno@v2.0.5",
    "        with:",
    "          deno-version: 2.8.0",
    "      - uses: denoland/setup-deno@v2.0.5",
    "      - run: deno task check",
  ].join("\n");
  assert.deepEqual(workflowDenoProblems(drifted, "2.9.6"), [
    "line 2: deno-version 2.8.0 is not 2.9.6",
    "line 5: setup-deno does not read .dvmrc",
  ]);
});
