/**
 * The Markdown change report for people. It is written to read well both
 * rendered (GitHub, job summaries) and as plain text (the Azure portal's blob
 * viewer): an aligned summary table, then one `diff` block per tag.
 *
 * @module
 */

import type {
  ChangeReport,
  ReportTag,
  ReportTagChange,
} from "./report_json.ts";

/** Renders the Markdown report from the JSON report. */
export function renderMarkdownReport(report: ChangeReport): string {
  const sections = [
    header(report),
    summaryTable(report),
    tagList("Tags added", report.tagsAdded, "+"),
    tagList("Tags removed", report.tagsRemoved, "-"),
    changedTags(report.tagsChanged),
  ];
  return `${sections.filter((s) => s !== "").join("\n\n")}\n`;
}

/** Formats an integer with thousands separators, the same in every locale. */
export function formatCount(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function header(report: ChangeReport): string {
  const { cloud, previous, current } = report;
  const lines = [
    `# Azure Service Tags changed: ${cloud} ${previous.changeNumber} → ${current.changeNumber}`,
    "",
    `- Previous: changeNumber ${previous.changeNumber}, content sha256 \`${
      previous.sha256.slice(0, 12)
    }\``,
    `- Current: changeNumber ${current.changeNumber}, content sha256 \`${
      current.sha256.slice(0, 12)
    }\``,
  ];
  if (report.only) {
    const patterns = report.only.map((p) => `\`${p}\``).join(", ");
    lines.push(`- Only tags matching ${patterns}`);
  }
  return lines.join("\n");
}

function summaryTable(report: ChangeReport): string {
  const s = report.summary;
  const rows = [
    ["", "Tags", "IPv4 prefixes", "IPv6 prefixes", "IPv4 addresses"],
    [
      "Added",
      s.tagsAdded,
      s.ipv4PrefixesAdded,
      s.ipv6PrefixesAdded,
      s.ipv4AddressesAdded,
    ],
    [
      "Removed",
      s.tagsRemoved,
      s.ipv4PrefixesRemoved,
      s.ipv6PrefixesRemoved,
      s.ipv4AddressesRemoved,
    ],
    ["Changed", s.tagsChanged, "", "", ""],
  ].map((row) =>
    row.map((cell) => typeof cell === "number" ? formatCount(cell) : cell)
  );
  return `## Summary\n\n${
    alignedTable(rows)
  }\n\nPrefix counts are (tag, prefix) pairs: a range listed under two tags counts twice.`;
}

/** A pipe table padded so that it also lines up as plain text. */
function alignedTable(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(3, ...rows.map((row) => (row[column] ?? "").length))
  );
  // The first column (labels) is left-aligned, the counts right-aligned.
  const line = (cells: string[]) =>
    `| ${
      cells.map((cell, i) =>
        i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)
      ).join(" | ")
    } |`;
  const rule = `| ${
    widths.map((w, i) => i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)
      .join(" | ")
  } |`;
  const [head = [], ...body] = rows;
  return [line(head), rule, ...body.map(line)].join("\n");
}

function tagList(title: string, tags: ReportTag[], sign: string): string {
  if (tags.length === 0) return "";
  const blocks = tags.map((tag) =>
    [
      `### ${tag.id}`,
      "",
      describeTag(tag),
      "",
      diffBlock(tag.addressPrefixes.map((p) => `${sign} ${p}`)),
    ].join("\n")
  );
  return `## ${title} (${formatCount(tags.length)})\n\n${blocks.join("\n\n")}`;
}

function changedTags(changes: ReportTagChange[]): string {
  if (changes.length === 0) return "";
  const blocks = changes.map((change) => {
    const lines = [
      `### ${change.id}`,
      "",
      `${
        describeTag(change)
      } · changeNumber ${change.changeNumber.previous} → ${change.changeNumber.current}`,
      ...propertyChanges(change),
    ];
    const prefixLines = [
      ...change.prefixesAdded.map((p) => `+ ${p}`),
      ...change.prefixesRemoved.map((p) => `- ${p}`),
    ];
    if (prefixLines.length > 0) lines.push("", diffBlock(prefixLines));
    return lines.join("\n");
  });
  return `## Tags changed (${formatCount(changes.length)})\n\n${
    blocks.join("\n\n")
  }`;
}

function describeTag(tag: { region: string; systemService: string }): string {
  const region = tag.region === "" ? "global" : tag.region;
  const service = tag.systemService === "" ? "none" : tag.systemService;
  return `Region: ${region} · System service: ${service}`;
}

function propertyChanges(change: ReportTagChange): string[] {
  const lines: string[] = [];
  if (change.regionChange) {
    lines.push(
      `- Region changed: ${show(change.regionChange.previous)} → ${
        show(change.regionChange.current)
      }`,
    );
  }
  if (change.systemServiceChange) {
    lines.push(
      `- System service changed: ${
        show(change.systemServiceChange.previous)
      } → ${show(change.systemServiceChange.current)}`,
    );
  }
  if (change.networkFeaturesAdded.length > 0) {
    lines.push(
      `- Network features added: ${change.networkFeaturesAdded.join(", ")}`,
    );
  }
  if (change.networkFeaturesRemoved.length > 0) {
    lines.push(
      `- Network features removed: ${change.networkFeaturesRemoved.join(", ")}`,
    );
  }
  return lines.length === 0 ? [] : ["", ...lines];
}

function show(value: string): string {
  return value === "" ? "(none)" : value;
}

function diffBlock(lines: string[]): string {
  return ["```diff", ...lines, "```"].join("\n");
}
