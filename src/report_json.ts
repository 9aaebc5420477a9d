/**
 * The JSON change report: a stable contract for other tools. Fields are only
 * ever added; a breaking change raises `schemaVersion`.
 *
 * @module
 */

import type { DiffSummary, SnapshotDiff, TagChange } from "./diff.ts";
import type { ServiceTag, SnapshotInfo } from "./snapshot.ts";

/** Version of the report's shape, raised on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;

/** A snapshot as the report identifies it. */
export interface ReportSnapshotRef {
  changeNumber: string;
  sha256: string;
}

/** A tag that appeared or disappeared. */
export interface ReportTag {
  id: string;
  region: string;
  systemService: string;
  changeNumber: string;
  addressPrefixes: string[];
  networkFeatures: string[];
}

/** A before/after pair of one property. */
export interface ReportValueChange {
  previous: string;
  current: string;
}

/** A tag whose content changed. */
export interface ReportTagChange {
  id: string;
  region: string;
  systemService: string;
  changeNumber: ReportValueChange;
  prefixesAdded: string[];
  prefixesRemoved: string[];
  networkFeaturesAdded: string[];
  networkFeaturesRemoved: string[];
  /** `null` unless the region changed. */
  regionChange: ReportValueChange | null;
  /** `null` unless the system service changed. */
  systemServiceChange: ReportValueChange | null;
}

/** The whole JSON report. */
export interface ChangeReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  cloud: string;
  previous: ReportSnapshotRef;
  current: ReportSnapshotRef;
  /** The `--only` patterns the report was limited to; `null` for all tags. */
  only: string[] | null;
  summary: DiffSummary;
  tagsAdded: ReportTag[];
  tagsRemoved: ReportTag[];
  tagsChanged: ReportTagChange[];
}

/** What a report is built from. */
export interface ReportInput {
  previous: SnapshotInfo;
  current: SnapshotInfo;
  diff: SnapshotDiff;
  summary: DiffSummary;
  only: readonly string[];
}

/** Builds the JSON report of a (possibly filtered) diff. */
export function buildChangeReport(input: ReportInput): ChangeReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    cloud: input.current.cloud,
    previous: refOf(input.previous),
    current: refOf(input.current),
    only: input.only.length === 0 ? null : [...input.only],
    summary: { ...input.summary },
    tagsAdded: input.diff.tagsAdded.map(reportTag),
    tagsRemoved: input.diff.tagsRemoved.map(reportTag),
    tagsChanged: input.diff.tagsChanged.map(reportTagChange),
  };
}

/** The report as stored: indented JSON text with a final newline. */
export function formatChangeReport(report: ChangeReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function refOf(info: SnapshotInfo): ReportSnapshotRef {
  return { changeNumber: info.changeNumber, sha256: info.sha256 };
}

function reportTag(tag: ServiceTag): ReportTag {
  return {
    id: tag.id,
    region: tag.region,
    systemService: tag.systemService,
    changeNumber: tag.changeNumber,
    addressPrefixes: [...tag.prefixes],
    networkFeatures: [...tag.networkFeatures],
  };
}

function reportTagChange(change: TagChange): ReportTagChange {
  const { previous, current } = change;
  return {
    id: current.id,
    region: current.region,
    systemService: current.systemService,
    changeNumber: {
      previous: previous.changeNumber,
      current: current.changeNumber,
    },
    prefixesAdded: [...change.prefixesAdded],
    prefixesRemoved: [...change.prefixesRemoved],
    networkFeaturesAdded: [...change.networkFeaturesAdded],
    networkFeaturesRemoved: [...change.networkFeaturesRemoved],
    regionChange: valueChange(previous.region, current.region),
    systemServiceChange: valueChange(
      previous.systemService,
      current.systemService,
    ),
  };
}

function valueChange(
  previous: string,
  current: string,
): ReportValueChange | null {
  return previous === current ? null : { previous, current };
}
