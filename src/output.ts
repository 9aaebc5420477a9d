/**
 * What a run prints on stdout: a short summary for people, or exactly one
 * JSON document for tools (`--format json`).
 *
 * @module
 */

import type { RunResult } from "./job.ts";
import { formatCount } from "./report_markdown.ts";

/** The `--format json` document of a finished run. */
export function formatJsonResult(result: RunResult): string {
  const { status, previous, current, report, stored, dryRun } = result;
  return `${
    JSON.stringify({ status, previous, current, report, stored, dryRun })
  }\n`;
}

/** The `--format json` document of a failed run. */
export function formatJsonFailure(error: Error, exitCode: number): string {
  return `${
    JSON.stringify({
      status: "failed",
      error: { name: error.name, message: error.message, exitCode },
    })
  }\n`;
}

/** The short summary of a finished run. */
export function formatTextResult(result: RunResult): string {
  const lines = [headline(result)];
  const summary = result.report?.summary;
  if (summary) {
    lines.push(
      `  tags: ${formatCount(summary.tagsAdded)} added, ${
        formatCount(summary.tagsRemoved)
      } removed, ${formatCount(summary.tagsChanged)} changed`,
      `  IPv4 prefixes: +${formatCount(summary.ipv4PrefixesAdded)} -${
        formatCount(summary.ipv4PrefixesRemoved)
      }  IPv6 prefixes: +${formatCount(summary.ipv6PrefixesAdded)} -${
        formatCount(summary.ipv6PrefixesRemoved)
      }  IPv4 addresses: +${formatCount(summary.ipv4AddressesAdded)} -${
        formatCount(summary.ipv4AddressesRemoved)
      }`,
    );
  } else if (result.status === "changed") {
    lines.push("  no change in the tags selected by --only; no report");
  }
  for (const key of result.stored) lines.push(`  stored ${key}`);
  if (result.dryRun) {
    lines.push("  dry run: nothing was written");
    if (result.markdown) lines.push("", result.markdown.trimEnd());
  }
  return `${lines.join("\n")}\n`;
}

function headline(result: RunResult): string {
  const { current, previous } = result;
  const hash = current.sha256.slice(0, 12);
  switch (result.status) {
    case "baseline":
      return `baseline: first snapshot of ${current.cloud}, changeNumber ${current.changeNumber} (content ${hash})`;
    case "unchanged":
      return `unchanged: ${current.cloud} changeNumber ${current.changeNumber} has the content of the baseline (changeNumber ${previous?.changeNumber}, content ${hash})`;
    case "changed":
      return `changed: ${current.cloud} changeNumber ${previous?.changeNumber} -> ${current.changeNumber}`;
  }
}
