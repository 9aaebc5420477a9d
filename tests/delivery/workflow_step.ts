/**
 * Reads the shell script of one step out of a workflow file, so tests run
 * the very text the runner runs.
 *
 * @module
 */

import assert from "node:assert/strict";

/** The `run: |` script of the step with this name, dedented. */
export function stepScript(text: string, name: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === `- name: ${name}`);
  assert.ok(start >= 0, `no step "${name}" in the workflow`);
  const run = lines.findIndex((l, i) => i > start && /^\s+run: \|$/.test(l));
  const indent = (lines[run] ?? "").search(/\S/);
  const body: string[] = [];
  for (const line of lines.slice(run + 1)) {
    if (line.trim() !== "" && line.search(/\S/) <= indent) break;
    body.push(line);
  }
  const margin = Math.min(
    ...body.filter((l) => l.trim() !== "").map((l) => l.search(/\S/)),
  );
  return body.map((l) => l.slice(margin)).join("\n");
}
