/**
 * `deno task bench`, core part: the full Public pair (changeNumber 375, then
 * 376; about 95,000 prefixes each), measured as ratios within one run so
 * that the figures do not depend on the machine.
 *
 * @module
 */

import { diffSnapshots } from "../../src/diff.ts";
import { normalizeSnapshot } from "../../src/snapshot.ts";
import { dataFile } from "../support/data.ts";
import { START_FLAGS } from "../support/start_flags.ts";
import { median, printTable, runMeasured } from "./measure.ts";

const ROUNDS = 7;
const previousFile = dataFile("ServiceTags_Public_20251028.json");
const currentFile = dataFile("Public_changenumber-376.json");
// The same content under the next changeNumber, as Microsoft often publishes:
// nothing new, but a document the job has not seen, so its content is hashed.
const bumpedFile = await Deno.makeTempFile({ suffix: ".json" });
await Deno.writeTextFile(
  bumpedFile,
  (await Deno.readTextFile(currentFile)).replace(
    '"changeNumber": 376,',
    '"changeNumber": 377,',
  ),
);
const deno = Deno.execPath();
const main = new URL("../../src/main.ts", import.meta.url).pathname;
const floorScript = new URL("./floor.ts", import.meta.url).pathname;
const runFlags = ["run", ...START_FLAGS];

const diffRatio = await measureDiffAgainstParse();
const runs = await measureRuns();

printTable([
  ["measure", "median", "floor", "ratio", "target"],
  [
    "diff compute / JSON.parse of both",
    `${diffRatio.diffMs.toFixed(1)} ms`,
    `${diffRatio.parseMs.toFixed(1)} ms`,
    diffRatio.ratio.toFixed(2),
    "<= 0.5",
  ],
  [
    "change run / read+parse process",
    `${runs.changeMs.toFixed(0)} ms`,
    `${runs.floorMs.toFixed(0)} ms`,
    (runs.changeMs / runs.floorMs).toFixed(2),
    "<= 3.5",
  ],
  [
    "nothing new, same document / read+parse",
    `${runs.unchangedMs.toFixed(0)} ms`,
    `${runs.floorMs.toFixed(0)} ms`,
    (runs.unchangedMs / runs.floorMs).toFixed(2),
    "<= 2.5",
  ],
  [
    "nothing new, new changeNumber / read+parse",
    `${runs.bumpedMs.toFixed(0)} ms`,
    `${runs.floorMs.toFixed(0)} ms`,
    (runs.bumpedMs / runs.floorMs).toFixed(2),
    "",
  ],
  [
    "peak memory of the change run",
    `${(runs.changePeakKiB / 1024).toFixed(0)} MiB`,
    `${(runs.floorPeakKiB / 1024).toFixed(0)} MiB`,
    "",
    "<= 120 MiB",
  ],
]);
console.log(`(medians of ${ROUNDS} rounds; Deno ${Deno.version.deno})`);
await Deno.remove(bumpedFile);

async function measureDiffAgainstParse() {
  const previousText = Deno.readTextFileSync(previousFile);
  const currentText = Deno.readTextFileSync(currentFile);
  const previous = await normalizeSnapshot(JSON.parse(previousText));
  const current = await normalizeSnapshot(JSON.parse(currentText));

  const parseMs: number[] = [];
  const diffMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let start = performance.now();
    JSON.parse(previousText);
    JSON.parse(currentText);
    parseMs.push(performance.now() - start);

    start = performance.now();
    diffSnapshots(previous, current);
    diffMs.push(performance.now() - start);
  }
  const result = { parseMs: median(parseMs), diffMs: median(diffMs) };
  return { ...result, ratio: result.diffMs / result.parseMs };
}

async function measureRuns() {
  const baseline = await Deno.makeTempDir({ prefix: "bench-baseline-" });
  await runMeasured([
    deno,
    ...runFlags,
    main,
    "--source",
    previousFile,
    "--store",
    baseline,
  ]);

  const floor = [];
  const change = [];
  const unchanged = [];
  const bumped = [];
  for (let round = 0; round < ROUNDS; round++) {
    floor.push(
      await runMeasured([
        deno,
        "run",
        "--allow-read",
        floorScript,
        previousFile,
        currentFile,
      ]),
    );

    const store = await Deno.makeTempDir({ prefix: "bench-store-" });
    await copyFolder(baseline, store);
    // The first run on the copied baseline is a change, the second reads
    // the same document again, the third the same content renumbered.
    const run = (source: string) =>
      runMeasured([
        deno,
        ...runFlags,
        main,
        "--source",
        source,
        "--store",
        store,
      ]);
    change.push(await run(currentFile));
    unchanged.push(await run(currentFile));
    bumped.push(await run(bumpedFile));
    await Deno.remove(store, { recursive: true });
  }
  await Deno.remove(baseline, { recursive: true });

  return {
    floorMs: median(floor.map((s) => s.wallMs)),
    floorPeakKiB: median(floor.map((s) => s.peakKiB)),
    changeMs: median(change.map((s) => s.wallMs)),
    changePeakKiB: median(change.map((s) => s.peakKiB)),
    unchangedMs: median(unchanged.map((s) => s.wallMs)),
    bumpedMs: median(bumped.map((s) => s.wallMs)),
  };
}

async function copyFolder(from: string, to: string): Promise<void> {
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) {
      await Deno.mkdir(target, { recursive: true });
      await copyFolder(source, target);
    } else {
      await Deno.copyFile(source, target);
    }
  }
}
