import assert from "node:assert/strict";
import { join } from "node:path";
import {
  parseCombinedLog,
  renderReportSection,
  renderSummary,
  summaryOutputs,
} from "../../.github/scripts/daily_summary.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SCRIPT = join(ROOT, ".github/scripts/daily_summary.ts");

function dataFile(name: string): string {
  const folder = Deno.env.get("SERVICETAGS_TEST_DATA") ??
    join(ROOT, "..", "shared", "data", "servicetags");
  return join(folder, name);
}

/**
 * Runs the job as the daily run does, with stdout and stderr in one file as
 * Container Instances hands them back, and returns that log.
 */
async function runJob(source: string, store: string): Promise<string> {
  const log = await Deno.makeTempFile({ suffix: ".log" });
  const { code } = await new Deno.Command("sh", {
    args: [
      "-c",
      'exec "$0" task start --source "$1" --store "$2" --format json > "$3" 2>&1',
      Deno.execPath(),
      source,
      store,
      log,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
  }).output();
  const text = await Deno.readTextFile(log);
  await Deno.remove(log);
  assert.ok(code === 0 || code === 1 || code === 2, `job crashed:\n${text}`);
  return text;
}

/** A store with a baseline from one week and a change to the next. */
async function changedRun(): Promise<{ store: string; log: string }> {
  const store = await Deno.makeTempDir();
  await runJob(dataFile("ServiceTags_China_20260316.json"), store);
  const log = await runJob(dataFile("ServiceTags_China_20260323.json"), store);
  return { store, log };
}

async function reportFiles(store: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(join(store, "servicetags-report"))) {
    names.push(entry.name);
  }
  return names.sort();
}

Deno.test("the summary of a changed run shows its status, counts and report blobs", async () => {
  const { store, log } = await changedRun();
  try {
    const names = await reportFiles(store);
    const jsonName = names.find((n) => n.endsWith(".json"));
    assert.ok(jsonName, `no JSON report in ${names.join(", ")}`);
    const report = JSON.parse(
      await Deno.readTextFile(join(store, "servicetags-report", jsonName)),
    );

    const markdown = renderSummary(parseCombinedLog(log), {
      image: "example.azurecr.io/servicetags-checker:1.2.3",
      container: "succeeded: the job exited with code 0",
    });

    assert.match(markdown, /^## Service Tags check: changed$/m);
    assert.match(markdown, /^\| Status \| changed \|$/m);
    assert.match(
      markdown,
      /^\| Change number \| 388 → 389 \|$/m,
    );
    assert.match(
      markdown,
      /^\| Image \| `example\.azurecr\.io\/servicetags-checker:1\.2\.3` \|$/m,
    );
    assert.match(
      markdown,
      /^\| Container \| succeeded: the job exited with code 0 \|$/m,
    );
    assert.equal(report.summary.tagsChanged > 0, true);
    assert.ok(
      markdown.includes(
        `| Tags changed | ${
          report.summary.tagsChanged.toLocaleString("en-US")
        } |`,
      ),
    );
    assert.ok(
      markdown.includes(
        `| IPv4 prefixes added | ${
          report.summary.ipv4PrefixesAdded.toLocaleString("en-US")
        } |`,
      ),
    );
    for (const name of names) {
      assert.ok(
        markdown.includes(`- \`servicetags-report/${name}\``),
        `${name} missing`,
      );
    }
    assert.doesNotMatch(markdown, /Warnings and errors/);
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("the outputs of a changed run name the Markdown report blob", async () => {
  const { store, log } = await changedRun();
  try {
    const names = await reportFiles(store);
    assert.deepEqual(summaryOutputs(parseCombinedLog(log)), {
      status: "changed",
      ok: "true",
      report_markdown: names.find((n) => n.endsWith(".md")),
    });
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("the script writes the summary to stdout and the outputs to the GitHub output file", async () => {
  const { store, log } = await changedRun();
  const logFile = join(store, "job.log");
  const outputFile = join(store, "github_output");
  await Deno.writeTextFile(logFile, log);
  await Deno.writeTextFile(outputFile, "earlier=kept\n");
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        `--allow-read=${logFile}`,
        `--allow-write=${outputFile}`,
        SCRIPT,
        "result",
        "--log",
        logFile,
        "--container",
        "succeeded: the job exited with code 0",
        "--github-output",
        outputFile,
      ],
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));

    const markdown = new TextDecoder().decode(stdout);
    assert.match(markdown, /^## Service Tags check: changed$/m);
    const mdName = (await reportFiles(store)).find((n) => n.endsWith(".md"));
    assert.equal(
      await Deno.readTextFile(outputFile),
      `earlier=kept\nstatus=changed\nok=true\nreport_markdown=${mdName}\n`,
    );
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("the summary of a baseline and of an unchanged run has no report", async () => {
  const store = await Deno.makeTempDir();
  try {
    const source = dataFile("ServiceTags_China_20260406.json");
    const baseline = parseCombinedLog(await runJob(source, store));
    const unchanged = parseCombinedLog(await runJob(source, store));

    assert.equal(summaryOutputs(baseline).status, "baseline");
    assert.equal(summaryOutputs(unchanged).status, "unchanged");
    for (const parsed of [baseline, unchanged]) {
      assert.equal(summaryOutputs(parsed).report_markdown, "");
      assert.equal(summaryOutputs(parsed).ok, "true");
      assert.doesNotMatch(renderSummary(parsed), /### Counts/);
    }
    assert.match(renderSummary(unchanged), /^\| Change number \| \d+ \|$/m);
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("the summary of a failed run shows the error and the error log line", async () => {
  const store = await Deno.makeTempDir();
  try {
    const missing = join(store, "no-such-file.json");
    const parsed = parseCombinedLog(await runJob(missing, store));
    const markdown = renderSummary(parsed);

    assert.equal(parsed.result?.status, "failed");
    assert.deepEqual(summaryOutputs(parsed), {
      status: "failed",
      ok: "false",
      report_markdown: "",
    });
    assert.match(markdown, /^## Service Tags check: failed$/m);
    assert.match(markdown, /^\| Exit code \| 2 \|$/m);
    assert.ok(markdown.includes(parsed.result?.error?.message ?? "?"));
    assert.match(markdown, /### Warnings and errors\n\n- \S+ ERROR /);
    assert.match(markdown, /event=ServiceTagsCheckFailed/);
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("a log record with a numeric HTTP status is not taken for the result", () => {
  const log = [
    '{"time":"2026-01-05T04:37:10.000Z","level":"error","message":"Blob write refused","event":"ServiceTagsCheckFailed","status":403,"requestId":"abc"}',
  ].join("\n");
  const parsed = parseCombinedLog(log);

  assert.equal(parsed.result, null);
  assert.equal(summaryOutputs(parsed).status, "missing");
  assert.equal(summaryOutputs(parsed).ok, "false");
});

Deno.test("a log without a result line shows the end of the log", async () => {
  const { store, log } = await changedRun();
  await Deno.remove(store, { recursive: true });
  // As if the container was killed before printing its result.
  const cut = log.split("\n").filter((line) => !line.startsWith('{"status"'))
    .join("\n");
  const parsed = parseCombinedLog(cut);
  const markdown = renderSummary(parsed);

  assert.equal(parsed.result, null);
  assert.match(markdown, /^## Service Tags check: missing$/m);
  assert.match(markdown, /^\| Status \| no result line \|$/m);
  assert.match(markdown, /### End of the container log\n\n~~~~text\n/);
  assert.ok(markdown.includes("Service Tags changed"));
});

Deno.test("a result line with pipes and newlines in the error stays one table row", () => {
  const log = JSON.stringify({
    status: "failed",
    error: { name: "StoreError", message: "a | b\nc", exitCode: 1 },
  });
  const markdown = renderSummary(parseCombinedLog(log));

  assert.match(markdown, /^\| Error \| StoreError: a \\\| b c \|$/m);
});

Deno.test("the report section holds the downloaded Markdown report", async () => {
  const { store } = await changedRun();
  try {
    const name = (await reportFiles(store)).find((n) => n.endsWith(".md"));
    assert.ok(name);
    const markdown = await Deno.readTextFile(
      join(store, "servicetags-report", name),
    );
    const section = renderReportSection(name, markdown);

    assert.ok(section.startsWith("---\n\n"));
    assert.ok(section.includes(markdown.trimEnd()));
    assert.doesNotMatch(section, /longer than a job summary/);
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("a report larger than the summary limit is cut at a line end with a note", () => {
  const markdown = Array.from({ length: 100 }, (_, i) => `| row ${i} |`)
    .join("\n");
  const section = renderReportSection("r.md", markdown, 200);
  const body = section.split("\n\n")[1] ?? "";

  assert.ok(new TextEncoder().encode(body).length <= 200);
  assert.ok(body.split("\n").every((line) => /^\| row \d+ \|$/.test(line)));
  assert.match(
    section,
    /the whole report is the blob `servicetags-report\/r\.md`/,
  );
});
