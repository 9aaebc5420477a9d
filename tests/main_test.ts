/**
 * The job as a user runs it: a separate process on real files, checked by
 * its exit code, its output and what it left in the store.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  SERVICE_TAGS_BASELINE_STORED,
  SERVICE_TAGS_CHANGED,
  SERVICE_TAGS_CHECK_FAILED,
  SERVICE_TAGS_UNCHANGED,
} from "../src/events.ts";
import { dataFile } from "./support/data.ts";
import { rawDocument, rawTag } from "./support/documents.ts";
import { folderState, writeTempJson } from "./support/files.ts";
import {
  type JobRun as JobOutcome,
  runJobProcess as runProcess,
} from "./support/job_process.ts";
import { START_FLAGS } from "./support/start_flags.ts";

const week1 =
  new URL("./testdata/sample_public_375.json", import.meta.url).pathname;
const week2 =
  new URL("./testdata/sample_public_376.json", import.meta.url).pathname;

const runJobProcess = (args: string[]) =>
  runProcess({ args, permissions: START_FLAGS });

/** Runs the job with `--format json` on a source and a store. */
const runJson = (source: string, store: string) =>
  runJobProcess(["--source", source, "--store", store, "--format", "json"]);

function resultOf(outcome: JobOutcome) {
  const lines = outcome.stdout.trimEnd().split("\n");
  assert.equal(
    lines.length,
    1,
    `stdout is one JSON document: ${outcome.stdout}`,
  );
  return JSON.parse(lines[0] ?? "");
}

function events(outcome: JobOutcome): unknown[] {
  return outcome.logs.flatMap((log) => log.event ? [log.event] : []);
}

Deno.test("first run, change, nothing new: statuses, output and events", async () => {
  const store = await Deno.makeTempDir();
  const first = await runJson(week1, store);
  assert.equal(first.code, 0, first.stderr);
  const baseline = resultOf(first);
  assert.equal(baseline.status, "baseline");
  assert.equal(baseline.previous, null);
  assert.equal(baseline.current.changeNumber, "375");
  assert.deepEqual(events(first), [SERVICE_TAGS_BASELINE_STORED]);

  const second = await runJson(week2, store);
  assert.equal(second.code, 0, second.stderr);
  const changed = resultOf(second);
  assert.equal(changed.status, "changed");
  assert.deepEqual(changed.previous, baseline.current);
  assert.equal(changed.report.schemaVersion, 1);
  assert.deepEqual(changed.report.tagsAdded.map((t: { id: string }) => t.id), [
    "MicrosoftCloudAppSecurity.JapanEast",
  ]);
  assert.equal(changed.stored.length, 4);
  for (const key of changed.stored) await Deno.stat(join(store, key));
  const event = second.logs.find((log) => log.event === SERVICE_TAGS_CHANGED);
  assert.equal(event?.previousChangeNumber, "375");
  assert.equal(event?.currentChangeNumber, "376");
  assert.equal(event?.tagsAdded, 1);

  const before = await folderState(store);
  const third = await runJson(week2, store);
  assert.equal(third.code, 0, third.stderr);
  assert.equal(resultOf(third).status, "unchanged");
  assert.deepEqual(events(third), [SERVICE_TAGS_UNCHANGED]);
  assert.deepEqual(await folderState(store), before);
});

Deno.test("the text output summarizes the change for people", async () => {
  const store = await Deno.makeTempDir();
  await runJobProcess(["--source", week1, "--store", store]);
  const outcome = await runJobProcess(["--source", week2, "--store", store]);
  assert.equal(outcome.code, 0);
  const lines = outcome.stdout.split("\n");
  assert.equal(lines[0], "changed: Public changeNumber 375 -> 376");
  assert.match(lines[1] ?? "", /^ {2}tags: 1 added, 0 removed, \d+ changed$/);
  assert.ok(
    lines.some((line) =>
      /^ {2}stored servicetags-report\/Public_375-to-376_[0-9a-f]{8}-[0-9a-f]{8}\.md$/
        .test(line)
    ),
  );
});

Deno.test("a real changeNumber-only bump is unchanged and writes nothing", async () => {
  const store = await Deno.makeTempDir();
  await runJobProcess([
    "--source",
    dataFile("ServiceTags_China_20260406.json"),
    "--store",
    store,
  ]);
  const before = await folderState(store);
  const outcome = await runJson(
    dataFile("ServiceTags_China_20260413.json"),
    store,
  );
  assert.equal(outcome.code, 0, outcome.stderr);
  const result = resultOf(outcome);
  assert.equal(result.status, "unchanged");
  assert.equal(result.previous.changeNumber, "390");
  assert.equal(result.current.changeNumber, "391");
  assert.deepEqual(await folderState(store), before);
});

/** A run on a bad input must fail with exit 2, one error line, and no writes. */
async function assertRejected(args: string[], expected: RegExp) {
  const store = await Deno.makeTempDir();
  await runJobProcess(["--source", week1, "--store", store]);
  const before = await folderState(store);
  const outcome = await runJobProcess([...args, "--store", store]);
  assert.equal(outcome.code, 2, `${args.join(" ")}: ${outcome.stderr}`);
  assert.equal(outcome.stdout, "");
  const errors = outcome.logs.filter((log) => log.level === "error");
  assert.equal(errors.length, 1, `one error line: ${outcome.stderr}`);
  const record = errors[0] ?? {};
  assert.equal(record.level, "error");
  assert.equal(record.event, SERVICE_TAGS_CHECK_FAILED);
  assert.equal(record.exitCode, 2);
  assert.match(String(record.message), expected);
  assert.equal(record.stack, undefined);
  assert.deepEqual(await folderState(store), before);
}

Deno.test("bad input files fail with exit code 2, one line, and the store untouched", async (t) => {
  const folder = await Deno.makeTempDir();
  const file = async (name: string, text: string) => {
    const path = join(folder, name);
    await Deno.writeTextFile(path, text);
    return path;
  };
  const full = await Deno.readTextFile(week2);
  const cases: [string, string, RegExp][] = [
    [
      "missing file",
      join(folder, "nope.json"),
      /^source file .*nope\.json does not exist$/,
    ],
    [
      "not JSON",
      await file("html.json", "<html>Service unavailable</html>"),
      /html\.json: not valid JSON at line 1, column 1/,
    ],
    [
      "truncated",
      await file("cut.json", full.slice(0, 5000)),
      /cut\.json: the JSON ends early at line \d+, column \d+: the file looks truncated$/,
    ],
    [
      "no values",
      await file("novalues.json", '{"changeNumber": 1, "cloud": "Public"}'),
      /novalues\.json: the document has no "values" array$/,
    ],
    [
      "value without id",
      await writeTempJson(
        rawDocument([
          rawTag("A", []),
          { properties: { addressPrefixes: [] } } as never,
        ]),
        folder,
      ),
      /values\[1\]: the value has no "id"$/,
    ],
    [
      "duplicate id",
      await writeTempJson(
        rawDocument([rawTag("A", []), rawTag("A", [])]),
        folder,
      ),
      /values\[1\]: the id "A" appears twice$/,
    ],
    [
      "invalid prefix",
      await writeTempJson(rawDocument([rawTag("A", ["10.0.0.1/8"])]), folder),
      /values\[0\] \(id "A"\): invalid address prefix "10\.0\.0\.1\/8": host bits are set for a \/8 prefix$/,
    ],
    ["a directory", folder, /is a directory, not a file$/],
  ];
  for (const [name, path, expected] of cases) {
    await t.step(name, () => assertRejected(["--source", path], expected));
  }
});

Deno.test("usage errors fail with exit code 2 and say what to do", async (t) => {
  await t.step(
    "unknown flag",
    () =>
      assertRejected(
        ["--source", week2, "--colour"],
        /^Unknown option '--colour'.*; see --help$/,
      ),
  );
  await t.step(
    "bad format",
    () =>
      assertRejected(
        ["--source", week2, "--format", "xml"],
        /^--format "xml" is not one of text, json$/,
      ),
  );
  await t.step(
    "api without subscription",
    () =>
      assertRejected(
        [],
        /needs a subscription: pass --subscription ID or set AZURE_SUBSCRIPTION_ID/,
      ),
  );
});

Deno.test("an empty values array is held back by the guard: exit code 1, store untouched", async () => {
  const store = await Deno.makeTempDir();
  await runJobProcess(["--source", week1, "--store", store]);
  const before = await folderState(store);
  const empty = await writeTempJson(rawDocument([], { changeNumber: 377 }));
  const outcome = await runJson(empty, store);
  assert.equal(outcome.code, 1);
  const result = resultOf(outcome);
  assert.equal(result.status, "failed");
  assert.equal(result.error.name, "GuardError");
  assert.match(
    result.error.message,
    /has no tags; the baseline was kept; .* --accept-large-change$/,
  );
  assert.deepEqual(await folderState(store), before);
});

Deno.test("--verbose adds the stack to the failure line", async () => {
  const outcome = await runJobProcess([
    "--source",
    "/nonexistent/x.json",
    "--store",
    await Deno.makeTempDir(),
    "--verbose",
  ]);
  assert.equal(outcome.code, 2);
  assert.match(String(outcome.logs.at(-1)?.stack), /InputError: source file/);
});

Deno.test("--help and --version print and exit 0", async () => {
  const help = await runJobProcess(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^servicetags-checker \d+\.\d+\.\d+\n/);
  const version = await runJobProcess(["--version"]);
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  );
  assert.equal(version.stdout, `servicetags-checker ${config.version}\n`);
});
