/**
 * `deno task bench`, Azure part: the job end to end against Azurite (over
 * HTTPS, with tokens from the local identity endpoint) and the Discovery API
 * stand-in, with the full Public pair (changeNumber 375, then 376), run as
 * `deno task start` runs it. For a change run and a run with nothing new it
 * measures the wall time and peak memory of the job's process, and the blob
 * requests and bytes read and written, counted by the proxy in front of
 * Azurite.
 *
 * @module
 */

import { createContainers } from "../support/azurite.ts";
import {
  type AzureFixture,
  startAzureFixture,
} from "../support/azure_fixture.ts";
import type { ProxiedRequest } from "../support/blob_proxy.ts";
import { START_FLAGS } from "../support/start_flags.ts";
import { median, printTable, runMeasured } from "./measure.ts";

const ROUNDS = 5;
const PREVIOUS = "ServiceTags_Public_20251028.json";
const CURRENT = "Public_changenumber-376.json";
const deno = Deno.execPath();
const main = new URL("../../src/main.ts", import.meta.url).pathname;

interface Sample {
  wallMs: number;
  peakKiB: number;
  requests: number;
  bytesRead: number;
  bytesWritten: number;
}

const fixture = await startAzureFixture({ file: PREVIOUS });
try {
  const change: Sample[] = [];
  const unchanged: Sample[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const containers = [`servicetags-r${round}`, `reports-r${round}`];
    await createContainers(fixture.azurite.endpoint, containers);
    const extra = [
      "--snapshot-container",
      containers[0]!,
      "--report-container",
      containers[1]!,
    ];

    await fixture.serve(PREVIOUS);
    await measure(fixture, extra);
    await fixture.serve(CURRENT);
    change.push(await measure(fixture, extra));
    unchanged.push(await measure(fixture, extra));
  }
  report(change, unchanged);
} finally {
  await fixture.close();
}

/** One run of the job, with what it moved through the proxy. */
async function measure(
  fixture: AzureFixture,
  extra: string[],
): Promise<Sample> {
  const before = fixture.proxy.requests.length;
  const process = await runMeasured(
    [deno, "run", ...START_FLAGS, main, ...fixture.args(extra)],
    fixture.env,
  );
  const requests = fixture.proxy.requests.slice(before);
  return {
    wallMs: process.wallMs,
    peakKiB: process.peakKiB,
    requests: requests.length,
    bytesRead: sum(requests, (r) => r.responseBytes),
    bytesWritten: sum(requests, (r) => r.requestBytes),
  };
}

function report(change: Sample[], unchanged: Sample[]) {
  const row = (
    name: string,
    pick: (s: Sample) => number,
    format: (n: number) => string,
    target = "",
  ) => [
    name,
    format(median(change.map(pick))),
    format(median(unchanged.map(pick))),
    target,
  ];
  const nothingRead = unchanged.every((s) => s.bytesRead === 0);
  printTable([
    [
      "Azure (Azurite, Public 375 -> 376)",
      "change run",
      "nothing new",
      "target",
    ],
    row("wall time", (s) => s.wallMs, (n) => `${n.toFixed(0)} ms`),
    row("peak memory", (s) => s.peakKiB, (n) => `${(n / 1024).toFixed(0)} MiB`),
    row("blob requests", (s) => s.requests, (n) => n.toFixed(0)),
    row(
      "blob bytes read",
      (s) => s.bytesRead,
      bytes,
      `0 B when nothing is new: ${nothingRead ? "met" : "MISSED"}`,
    ),
    row("blob bytes written", (s) => s.bytesWritten, bytes),
  ]);
  console.log(`(medians of ${ROUNDS} rounds; Deno ${Deno.version.deno})`);
  if (!nothingRead) Deno.exitCode = 1;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

function sum(
  requests: readonly ProxiedRequest[],
  pick: (r: ProxiedRequest) => number,
): number {
  return requests.reduce((total, r) => total + pick(r), 0);
}
