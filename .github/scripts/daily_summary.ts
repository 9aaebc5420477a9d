/**
 * Turns the log of a daily run into the Markdown of the workflow's job
 * summary. Container Instances hands back stdout and stderr as one stream:
 * the job's result is the one JSON line with a `status` and no `level`; the
 * other JSON lines are log records; anything else is ignored.
 *
 * Usage:
 * - `deno run -R -W daily_summary.ts result --log FILE [--image REF]
 *   [--container VERDICT] [--github-output FILE]` prints the summary and
 *   writes the outputs `status`, `ok` and `report_markdown` (the name of the
 *   Markdown report blob, empty when there is none).
 * - `deno run -R daily_summary.ts report --file FILE [--name BLOB]` prints
 *   the downloaded Markdown report as a summary section, cut to fit
 *   GitHub's size limit.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { REPORT_CONTAINER } from "../../src/store.ts";

/** A snapshot as the result line names it. */
export interface SnapshotRef {
  cloud?: string;
  changeNumber?: string;
  sha256?: string;
}

/** The job's one line on stdout with `--format json`. */
export interface JobResult {
  status: string;
  previous?: SnapshotRef | null;
  current?: SnapshotRef | null;
  report?: { summary?: Record<string, unknown> } | null;
  stored?: string[];
  dryRun?: boolean;
  error?: { name?: string; message?: string; exitCode?: number };
}

/** One structured log line of the job (stderr). */
export type LogRecord = Record<string, unknown> & {
  time?: string;
  level?: string;
  message?: string;
};

/** What the combined log holds. */
export interface ParsedLog {
  /** The last result line; `null` when the job printed none. */
  result: JobResult | null;
  records: LogRecord[];
  lines: string[];
}

/** What the summary says besides the log. */
export interface SummaryContext {
  /** The image reference that ran. */
  image?: string;
  /** The verdict on the container, from `container_state.ts`. */
  container?: string;
}

/** The statuses of a run that did its work. */
export const GOOD_STATUSES = ["baseline", "unchanged", "changed"] as const;

/** Status reported when the log holds no result line. */
export const MISSING_STATUS = "missing";

// GitHub accepts up to 1 MiB of summary per step; leave room for the heading.
const REPORT_BUDGET_BYTES = 900 * 1024;
const LOG_TAIL_LINES = 30;
const NOTABLE_RECORDS = 20;

/** Splits the combined log into the result line and the log records. */
export function parseCombinedLog(text: string): ParsedLog {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  let result: JobResult | null = null;
  const records: LogRecord[] = [];
  for (const line of lines) {
    const value = parseObject(line);
    if (value === null) continue;
    // A log record may carry a numeric `status` (an HTTP status); the result
    // line is the one with a string status and no level.
    if (typeof value["status"] === "string" && !("level" in value)) {
      result = value as unknown as JobResult;
    } else if (typeof value["level"] === "string") {
      records.push(value as LogRecord);
    }
  }
  return { result, records, lines };
}

/** The run's status, or {@linkcode MISSING_STATUS}. */
export function statusOf(parsed: ParsedLog): string {
  return parsed.result?.status ?? MISSING_STATUS;
}

/** Whether the job did its work (baseline, unchanged or changed). */
export function isGood(parsed: ParsedLog): boolean {
  return (GOOD_STATUSES as readonly string[]).includes(statusOf(parsed));
}

/** Names of the report blobs (inside the report container) the run stored. */
export function reportBlobNames(result: JobResult | null): string[] {
  const prefix = `${REPORT_CONTAINER}/`;
  return (result?.stored ?? [])
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length));
}

/** The values the workflow reads back through `$GITHUB_OUTPUT`. */
export function summaryOutputs(parsed: ParsedLog): Record<string, string> {
  const markdown = reportBlobNames(parsed.result).find((name) =>
    name.endsWith(".md")
  );
  return {
    status: statusOf(parsed),
    ok: String(isGood(parsed)),
    report_markdown: markdown ?? "",
  };
}

/** The Markdown of the job summary. */
export function renderSummary(
  parsed: ParsedLog,
  context: SummaryContext = {},
): string {
  const result = parsed.result;
  const sections = [
    `## Service Tags check: ${statusOf(parsed)}`,
    table(["", ""], overviewRows(result, context)),
  ];
  const summary = result?.report?.summary;
  if (summary) {
    sections.push(
      "### Counts",
      table(["Change", "Count:"], countRows(summary)),
    );
  }
  const stored = result?.stored ?? [];
  if (stored.length > 0) {
    sections.push(
      "### Stored blobs",
      stored.map((k) => `- \`${k}\``).join("\n"),
    );
  }
  if (!isGood(parsed)) sections.push(...troubleSections(parsed));
  return `${sections.join("\n\n")}\n`;
}

/** The downloaded Markdown report as a summary section. */
export function renderReportSection(
  name: string,
  markdown: string,
  budget: number = REPORT_BUDGET_BYTES,
): string {
  const fitted = fitToBytes(markdown, budget);
  const note = fitted.length < markdown.length
    ? `\n\n_The report is longer than a job summary can hold; the whole report is the blob \`${REPORT_CONTAINER}/${name}\`._`
    : "";
  // The report brings its own headings; a rule sets it apart from ours.
  return `---\n\n${fitted.trimEnd()}${note}\n`;
}

function overviewRows(
  result: JobResult | null,
  context: SummaryContext,
): string[][] {
  const rows: string[][] = [["Status", result?.status ?? "no result line"]];
  if (context.container) rows.push(["Container", context.container]);
  if (context.image) rows.push(["Image", code(context.image)]);
  if (result?.current?.cloud) rows.push(["Cloud", result.current.cloud]);
  if (result?.current?.changeNumber) {
    const from = result.previous?.changeNumber;
    const to = result.current.changeNumber;
    rows.push(["Change number", from && from !== to ? `${from} → ${to}` : to]);
  }
  if (result?.current?.sha256) {
    rows.push(["Content (sha256)", code(result.current.sha256.slice(0, 12))]);
  }
  if (result?.dryRun) rows.push(["Dry run", "yes: nothing was written"]);
  if (result?.error) {
    const { name, message, exitCode } = result.error;
    rows.push(["Error", `${name ?? "Error"}: ${message ?? ""}`]);
    if (exitCode !== undefined) rows.push(["Exit code", String(exitCode)]);
  }
  return rows;
}

function countRows(summary: Record<string, unknown>): string[][] {
  return Object.entries(summary)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number")
    .map(([key, value]) => [labelOf(key), value.toLocaleString("en-US")]);
}

function troubleSections(parsed: ParsedLog): string[] {
  const notable = parsed.records
    .filter((r) => r.level === "warn" || r.level === "error")
    .slice(-NOTABLE_RECORDS);
  const sections: string[] = [];
  if (notable.length > 0) {
    sections.push(
      "### Warnings and errors",
      notable.map((r) => `- ${recordLine(r)}`).join("\n"),
    );
  }
  if (parsed.result === null) {
    const tail = parsed.lines.slice(-LOG_TAIL_LINES).join("\n");
    sections.push(
      "### End of the container log",
      tail === "" ? "_The log is empty._" : `~~~~text\n${tail}\n~~~~`,
    );
  }
  return sections;
}

function recordLine(record: LogRecord): string {
  const { time, level, message, ...fields } = record;
  const details = Object.entries(fields)
    .map(([key, value]) =>
      `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`
    )
    .join(" ");
  const text = [time, level?.toUpperCase(), message, details]
    .filter((part) => part !== undefined && part !== "")
    .join(" ");
  return escapeCell(text);
}

/** `ipv4PrefixesAdded` → `IPv4 prefixes added`. */
function labelOf(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .replace(/\bipv(\d)\b/g, "IPv$1");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A Markdown table; a header ending in ":" gets a right-aligned column. */
function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(" | ")} |`;
  const rule = `| ${
    header.map((h) => h.endsWith(":") ? "---:" : "---").join(" | ")
  } |`;
  const names = header.map((h) => h.replace(/:$/, ""));
  return [line(names), rule, ...rows.map(line)].join("\n");
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function fitToBytes(text: string, budget: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= budget) return text;
  const cut = new TextDecoder().decode(bytes.subarray(0, budget));
  // Cut at a line end so no table row or code fence is left half written.
  const end = cut.lastIndexOf("\n");
  return end > 0 ? cut.slice(0, end) : cut;
}

function parseObject(line: string): Record<string, unknown> | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith("{")) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : null;
  } catch {
    return null;
  }
}

async function writeOutputs(
  path: string,
  outputs: Record<string, string>,
): Promise<void> {
  const text = Object.entries(outputs)
    .map(([key, value]) => `${key}=${value.replace(/[\r\n]/g, " ")}\n`)
    .join("");
  await Deno.writeTextFile(path, text, { append: true });
}

async function runResult(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      log: { type: "string" },
      image: { type: "string" },
      container: { type: "string" },
      "github-output": { type: "string" },
    },
  });
  if (!values.log) throw new Error("result needs --log FILE");

  const parsed = parseCombinedLog(await Deno.readTextFile(values.log));
  console.log(
    renderSummary(parsed, {
      ...(values.image ? { image: values.image } : {}),
      ...(values.container ? { container: values.container } : {}),
    }).trimEnd(),
  );
  if (values["github-output"]) {
    await writeOutputs(values["github-output"], summaryOutputs(parsed));
  }
}

async function runReport(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { file: { type: "string" }, name: { type: "string" } },
  });
  if (!values.file) throw new Error("report needs --file FILE");
  const name = values.name ?? values.file.split("/").pop() ?? values.file;
  console.log(
    renderReportSection(name, await Deno.readTextFile(values.file)).trimEnd(),
  );
}

if (import.meta.main) {
  const [command, ...rest] = Deno.args;
  try {
    if (command === "result") await runResult(rest);
    else if (command === "report") await runReport(rest);
    else {throw new Error(
        `unknown command "${command ?? ""}": use result or report`,
      );}
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: daily summary: ${message}`);
    Deno.exit(2);
  }
}
