/**
 * One run of the check: read the current Service Tags, compare them with the
 * stored baseline and, when the content changed, store the new snapshot and
 * a change report. Sources, stores and the logger are passed in.
 *
 * @module
 */

import { sha256Hex } from "./content_hash.ts";
import {
  diffSnapshots,
  type DiffSummary,
  filterDiff,
  isEmptyDiff,
  summarizeDiff,
} from "./diff.ts";
import {
  GuardError,
  SnapshotFormatError,
  StoreError,
  UsageError,
} from "./errors.ts";
import {
  SERVICE_TAGS_BASELINE_STORED,
  SERVICE_TAGS_CHANGED,
  SERVICE_TAGS_CHANGED_OUTSIDE_FILTER,
  SERVICE_TAGS_UNCHANGED,
} from "./events.ts";
import { checkLargeChange } from "./guard.ts";
import { archiveName, reportBaseName } from "./layout.ts";
import type { Logger } from "./log.ts";
import {
  buildChangeReport,
  type ChangeReport,
  formatChangeReport,
} from "./report_json.ts";
import { renderMarkdownReport } from "./report_markdown.ts";
import {
  countPrefixPairs,
  infoOf,
  type Snapshot,
  type SnapshotInfo,
} from "./snapshot.ts";
import {
  decodeSnapshot,
  encodeSnapshot,
  loadZlib,
  SNAPSHOT_CONTENT_TYPE,
} from "./snapshot_codec.ts";
import type { Source, SourceDocument } from "./source.ts";
import {
  LATEST_NAME,
  type LatestEntry,
  type Store,
  type StoredItem,
  type StoreObject,
} from "./store.ts";
import { parseTagFilter } from "./tag_filter.ts";

/** Media types of the reports; the charset makes the portal show them right. */
export const REPORT_JSON_CONTENT_TYPE = "application/json; charset=utf-8";
export const REPORT_MARKDOWN_CONTENT_TYPE = "text/markdown; charset=utf-8";

/** What a run needs. */
export interface JobOptions {
  source: Source;
  store: Store;
  logger: Logger;
  /** `--only` patterns; empty for every tag. */
  only?: readonly string[];
  /** Let a change through that the guard would hold back. */
  acceptLargeChange?: boolean;
  /** Compute and report, write nothing. */
  dryRun?: boolean;
  /** Aborts the run (the run's deadline). */
  signal?: AbortSignal;
}

/** How a run ended. `baseline`: the first snapshot in an empty store. */
export type RunStatus = "baseline" | "unchanged" | "changed";

/** The outcome of a run, as printed with `--format json`. */
export interface RunResult {
  status: RunStatus;
  /** The baseline the run compared with; `null` on an empty store. */
  previous: SnapshotInfo | null;
  current: SnapshotInfo;
  /** The JSON report; `null` when nothing (within `--only`) changed. */
  report: ChangeReport | null;
  /** The Markdown report, when there is a report. */
  markdown: string | null;
  /** Keys written (`container/name`), in the order they were written. */
  stored: string[];
  dryRun: boolean;
}

// A lost race re-reads the baseline and decides again; more than a few
// rounds means something keeps rewriting the store.
const MAX_ROUNDS = 3;

/** Runs the check once. */
export async function runJob(options: JobOptions): Promise<RunResult> {
  const { source, store, logger, signal } = options;

  logger.info("Reading Service Tags", { source: source.description });
  const document = await source.read(signal);
  // Normalized once, on first use; the result does not depend on the
  // reference it was first given.
  let normalized: Promise<Snapshot> | undefined;
  const current = (reference?: Snapshot) =>
    normalized ??= normalize(document, logger, reference);
  const encoded = once(async () => encodeSnapshot(await current()));

  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const latest = await store.latest(signal);
    if (latest?.documentSha256 === document.sha256) {
      // The very document the baseline came from: nothing can be new.
      return unchanged(logger, latest, latest, {
        dryRun: options.dryRun ?? false,
        decidedBy: "document",
      });
    }
    const run = { ...options, document, current, encoded };
    const result = latest === null
      ? await storeBaseline(run, await current())
      : await compareWithLatest(run, latest);
    if (result) return result;
    logger.warn("Another run advanced the baseline first; deciding again", {
      round,
      store: store.description,
    });
  }
  throw new StoreError(
    `the baseline in ${store.description} changed ${MAX_ROUNDS} times during this run; is another job writing to it?`,
  );
}

/** What the steps of a run share once the source was read. */
interface RunContext extends JobOptions {
  /** The source's document; its `sha256` is recorded with a new baseline. */
  document: SourceDocument;
  /** The current snapshot, normalized once (with the baseline, if given). */
  current: (reference?: Snapshot) => Promise<Snapshot>;
  /** The current snapshot, compressed for the store (made once, on demand). */
  encoded: () => Promise<Uint8Array>;
}

async function normalize(
  document: SourceDocument,
  logger: Logger,
  reference?: Snapshot,
): Promise<Snapshot> {
  const snapshot = await document.snapshot(reference);
  logger.info("Read Service Tags", {
    cloud: snapshot.cloud,
    changeNumber: snapshot.changeNumber,
    tags: snapshot.tags.length,
    prefixes: countPrefixPairs(snapshot),
    sha256: snapshot.sha256,
  });
  return snapshot;
}

async function storeBaseline(
  options: RunContext,
  current: Snapshot,
): Promise<RunResult | null> {
  const { store, logger, signal } = options;
  if (current.tags.length === 0 && !options.acceptLargeChange) {
    throw new GuardError(
      `the first snapshot (changeNumber ${current.changeNumber}) has no tags; nothing was stored; if this is real, run again with --accept-large-change`,
    );
  }

  const result: RunResult = {
    status: "baseline",
    previous: null,
    current: infoOf(current),
    report: null,
    markdown: null,
    stored: [],
    dryRun: options.dryRun ?? false,
  };
  if (options.dryRun) return result;

  const archive = await store.putSnapshot(
    snapshotObject(current, await options.encoded()),
    signal,
  );
  const advanced = await advanceLatest(options, current, null);
  if (advanced === null) return null;

  result.stored.push(archive.key, advanced.key);
  logger.info("Stored the first snapshot as the baseline", {
    event: SERVICE_TAGS_BASELINE_STORED,
    cloud: current.cloud,
    changeNumber: current.changeNumber,
    sha256: current.sha256,
    stored: result.stored,
  });
  return result;
}

async function compareWithLatest(
  options: RunContext,
  latest: LatestEntry,
): Promise<RunResult | null> {
  const { store, logger, signal } = options;
  const dryRun = options.dryRun ?? false;
  // Azure publishes lists already normalized, so a document whose content
  // is the baseline's nearly always hashes to it unchecked: decided without
  // downloading the baseline.
  const published = await options.document.asPublished();
  if (published.sha256 === latest.sha256) {
    return unchanged(logger, latest, published, {
      dryRun,
      decidedBy: "content",
    });
  }
  if (latest.cloud !== published.cloud) {
    throw new UsageError(
      `${store.description} holds snapshots of the ${latest.cloud} cloud, but the source is ${published.cloud}; use one store (or pair of containers) per cloud`,
    );
  }

  const previous = await loadBaseline(store, latest, signal);
  const current = await options.current(previous);
  if (current.sha256 === latest.sha256) {
    // The same content, spelled or ordered differently.
    return unchanged(logger, latest, current, { dryRun, decidedBy: "content" });
  }
  if (previous.sha256 === current.sha256) {
    logger.warn("The baseline's metadata does not match its content", {
      store: store.description,
      metadataSha256: latest.sha256,
      contentSha256: previous.sha256,
    });
    return unchanged(logger, latest, current, { dryRun, decidedBy: "content" });
  }

  const diff = diffSnapshots(previous, current);
  const summary = summarizeDiff(diff);
  if (!options.acceptLargeChange) checkLargeChange(previous, current, summary);

  const only = options.only ?? [];
  const shown = only.length === 0
    ? diff
    : filterDiff(diff, parseTagFilter(only));
  const report = isEmptyDiff(shown) ? null : buildChangeReport({
    previous: infoOf(previous),
    current: infoOf(current),
    diff: shown,
    summary: summarizeDiff(shown),
    only,
  });
  const markdown = report ? renderMarkdownReport(report) : null;
  const result: RunResult = {
    status: "changed",
    previous: infoOf(previous),
    current: infoOf(current),
    report,
    markdown,
    stored: [],
    dryRun: options.dryRun ?? false,
  };
  if (options.dryRun) return result;

  const written = await writeChange(options, {
    current,
    previous,
    report,
    markdown,
  });
  const advanced = await advanceLatest(options, current, latest);
  if (advanced === null) return null;
  result.stored.push(...written, advanced.key);

  logChange(logger, result, summary);
  return result;
}

/** The last write of a run; `null` when another run advanced `latest` first. */
async function advanceLatest(
  options: RunContext,
  current: Snapshot,
  expected: LatestEntry | null,
): Promise<StoredItem | null> {
  const latest = {
    name: LATEST_NAME,
    body: await options.encoded(),
    contentType: SNAPSHOT_CONTENT_TYPE,
  };
  return await options.store.replaceLatest(
    latest,
    { ...infoOf(current), documentSha256: options.document.sha256 },
    expected,
    options.signal,
  );
}

interface ChangeToWrite {
  current: Snapshot;
  previous: Snapshot;
  report: ChangeReport | null;
  markdown: string | null;
}

/** Archive and reports first: `latest` advances only once they are safe. */
async function writeChange(
  options: RunContext,
  change: ChangeToWrite,
): Promise<string[]> {
  const { store, signal } = options;
  const reports: Promise<StoredItem>[] = [];
  if (change.report && change.markdown) {
    const base = reportBaseName(
      change.previous,
      change.current,
      options.only ?? [],
    );
    const text = new TextEncoder();
    reports.push(
      store.putReport({
        name: `${base}.json`,
        body: text.encode(formatChangeReport(change.report)),
        contentType: REPORT_JSON_CONTENT_TYPE,
      }, signal),
      store.putReport({
        name: `${base}.md`,
        body: text.encode(change.markdown),
        contentType: REPORT_MARKDOWN_CONTENT_TYPE,
      }, signal),
    );
    // Awaited below; this only keeps a failure from going unhandled while
    // the snapshot is compressed.
    for (const report of reports) report.catch(() => {});
  }
  // The reports are on their way (in Blob Storage, uploading) while the
  // snapshot is compressed; `latest` advances only after all three.
  const archive = store.putSnapshot(
    snapshotObject(change.current, await options.encoded()),
    signal,
  );
  const written = await Promise.all([archive, ...reports]);
  return written.map((item) => item.key);
}

async function loadBaseline(
  store: Store,
  latest: LatestEntry,
  signal?: AbortSignal,
): Promise<Snapshot> {
  // Loads while the baseline downloads, to decompress it; decodeSnapshot()
  // reports a failure.
  loadZlib().catch(() => {});
  const bytes = await store.readLatest(latest, signal);
  const intact = latest.storedSha256 !== undefined &&
    await sha256Hex(bytes) === latest.storedSha256;
  try {
    return await decodeSnapshot(bytes, { sha256: latest.sha256, intact });
  } catch (error) {
    if (!(error instanceof SnapshotFormatError)) throw error;
    throw new StoreError(
      `the baseline ${LATEST_NAME} in ${store.description} is unreadable (${error.message}); restore it from an archived snapshot or an earlier version`,
      { cause: error },
    );
  }
}

/**
 * A run that found nothing new. `decidedBy` says how: the source document's
 * hash equals the baseline's, or the content hash does.
 */
function unchanged(
  logger: Logger,
  latest: LatestEntry,
  current: SnapshotInfo,
  how: { dryRun: boolean; decidedBy: "document" | "content" },
): RunResult {
  const { dryRun, decidedBy } = how;
  logger.info("Service Tags unchanged", {
    event: SERVICE_TAGS_UNCHANGED,
    decidedBy,
    cloud: current.cloud,
    baselineChangeNumber: latest.changeNumber,
    changeNumber: current.changeNumber,
    sha256: current.sha256,
  });
  return {
    status: "unchanged",
    previous: infoOf(latest),
    current: infoOf(current),
    report: null,
    markdown: null,
    stored: [],
    dryRun,
  };
}

/** One info line; with `--only` its counts cover the matching tags only. */
function logChange(logger: Logger, result: RunResult, summary: DiffSummary) {
  const fields = {
    cloud: result.current.cloud,
    previousChangeNumber: result.previous?.changeNumber,
    currentChangeNumber: result.current.changeNumber,
    previousSha256: result.previous?.sha256,
    currentSha256: result.current.sha256,
    stored: result.stored,
  };
  if (result.report === null) {
    logger.info("Service Tags changed outside the --only tags; no report", {
      ...fields,
      ...summary,
      event: SERVICE_TAGS_CHANGED_OUTSIDE_FILTER,
    });
    return;
  }
  logger.info("Service Tags changed", {
    ...fields,
    ...result.report.summary,
    event: SERVICE_TAGS_CHANGED,
  });
}

function snapshotObject(snapshot: Snapshot, body: Uint8Array): StoreObject {
  return {
    name: archiveName(snapshot),
    body,
    contentType: SNAPSHOT_CONTENT_TYPE,
  };
}

/** Calls `make` on first use only, and keeps its promise. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}
