import assert from "node:assert/strict";
import { diffSnapshots, summarizeDiff } from "../src/diff.ts";
import { buildChangeReport, formatChangeReport } from "../src/report_json.ts";
import { formatCount, renderMarkdownReport } from "../src/report_markdown.ts";
import { infoOf } from "../src/snapshot.ts";
import { rawTag, snapshotOf } from "./support/documents.ts";

const before = await snapshotOf([
  rawTag("AzureCloud.japaneast", ["20.0.0.0/24", "2603:1000::/40"], {
    region: "japaneast",
    changeNumber: 8,
  }),
  rawTag("Gone", ["30.0.0.0/16"], { systemService: "Legacy" }),
  rawTag("Moved", ["40.0.0.0/8"], {
    region: "westus",
    networkFeatures: ["API"],
  }),
], { changeNumber: 375 });
const after = await snapshotOf([
  rawTag("AzureCloud.japaneast", ["20.0.1.0/24", "2603:1000::/40"], {
    region: "japaneast",
    changeNumber: 9,
  }),
  rawTag("New", ["50.0.0.0/30", "2604::/16"], {
    region: "japaneast",
    systemService: "AzureNew",
  }),
  rawTag("Moved", ["40.0.0.0/8"], {
    region: "eastus",
    networkFeatures: ["API", "NSG"],
  }),
], { changeNumber: 376 });

function reportOf(only: string[] = []) {
  const diff = diffSnapshots(before, after);
  return buildChangeReport({
    previous: infoOf(before),
    current: infoOf(after),
    diff,
    summary: summarizeDiff(diff),
    only,
  });
}

Deno.test("the JSON report follows schema version 1", () => {
  const report = reportOf();
  assert.equal(report.schemaVersion, 1);
  assert.equal(report.cloud, "Public");
  assert.deepEqual(report.previous, {
    changeNumber: "375",
    sha256: before.sha256,
  });
  assert.deepEqual(report.current, {
    changeNumber: "376",
    sha256: after.sha256,
  });
  assert.equal(report.only, null);
  assert.deepEqual(report.tagsAdded, [{
    id: "New",
    region: "japaneast",
    systemService: "AzureNew",
    changeNumber: "1",
    addressPrefixes: ["50.0.0.0/30", "2604::/16"],
    networkFeatures: [],
  }]);
  assert.deepEqual(
    report.tagsRemoved.map((t) => [t.id, t.systemService, t.addressPrefixes]),
    [["Gone", "Legacy", ["30.0.0.0/16"]]],
  );
  assert.deepEqual(report.tagsChanged, [
    {
      id: "AzureCloud.japaneast",
      region: "japaneast",
      systemService: "",
      changeNumber: { previous: "8", current: "9" },
      prefixesAdded: ["20.0.1.0/24"],
      prefixesRemoved: ["20.0.0.0/24"],
      networkFeaturesAdded: [],
      networkFeaturesRemoved: [],
      regionChange: null,
      systemServiceChange: null,
    },
    {
      id: "Moved",
      region: "eastus",
      systemService: "",
      changeNumber: { previous: "1", current: "1" },
      prefixesAdded: [],
      prefixesRemoved: [],
      networkFeaturesAdded: ["NSG"],
      networkFeaturesRemoved: [],
      regionChange: { previous: "westus", current: "eastus" },
      systemServiceChange: null,
    },
  ]);
  assert.equal(report.summary.prefixesAdded, 3);
  assert.equal(report.summary.ipv4AddressesRemoved, 256 + 65536);
});

Deno.test("formatChangeReport() is stable: the same change gives the same bytes", () => {
  const first = formatChangeReport(reportOf());
  assert.equal(formatChangeReport(reportOf()), first);
  assert.deepEqual(JSON.parse(first), reportOf());
  assert.ok(first.endsWith("}\n"));
});

Deno.test("the report names its --only patterns", () => {
  assert.deepEqual(reportOf(["Azure*"]).only, ["Azure*"]);
});

Deno.test("the Markdown report starts with an aligned summary table", () => {
  const markdown = renderMarkdownReport(reportOf());
  const lines = markdown.split("\n");
  assert.equal(lines[0], "# Azure Service Tags changed: Public 375 → 376");
  const table = lines.filter((line) => line.startsWith("|"));
  assert.deepEqual(table, [
    "|         | Tags | IPv4 prefixes | IPv6 prefixes | IPv4 addresses |",
    "| ------- | ---: | ------------: | ------------: | -------------: |",
    "| Added   |    1 |             2 |             1 |            260 |",
    "| Removed |    1 |             2 |             0 |         65,792 |",
    "| Changed |    2 |               |               |                |",
  ]);
  assert.ok(
    markdown.indexOf("## Summary") < markdown.indexOf("## Tags added (1)"),
  );
});

Deno.test("the Markdown report lists each tag's prefixes in a diff block", () => {
  const markdown = renderMarkdownReport(reportOf());
  assert.ok(
    markdown.includes(
      "### New\n\nRegion: japaneast · System service: AzureNew\n\n```diff\n+ 50.0.0.0/30\n+ 2604::/16\n```",
    ),
  );
  assert.ok(
    markdown.includes(
      "### Gone\n\nRegion: global · System service: Legacy\n\n```diff\n- 30.0.0.0/16\n```",
    ),
  );
  assert.ok(
    markdown.includes(
      "### AzureCloud.japaneast\n\nRegion: japaneast · System service: none · changeNumber 8 → 9\n\n```diff\n+ 20.0.1.0/24\n- 20.0.0.0/24\n```",
    ),
  );
  assert.ok(
    markdown.includes(
      "- Region changed: westus → eastus\n- Network features added: NSG",
    ),
  );
  assert.ok(!markdown.includes("## Tags removed (0)"));
});

Deno.test("the Markdown report says when it covers --only tags", () => {
  assert.ok(
    renderMarkdownReport(reportOf(["Azure*", "New"])).includes(
      "- Only tags matching `Azure*`, `New`",
    ),
  );
});

Deno.test("formatCount() groups thousands the same in every locale", () => {
  assert.equal(formatCount(0), "0");
  assert.equal(formatCount(999), "999");
  assert.equal(formatCount(164610), "164,610");
  assert.equal(formatCount(4294967296), "4,294,967,296");
});
