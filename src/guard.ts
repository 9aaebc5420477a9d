/**
 * The guard against a partial or broken source: a new snapshot that would
 * remove a large share of the baseline is held back unless accepted.
 *
 * @module
 */

import { GuardError } from "./errors.ts";
import type { DiffSummary } from "./diff.ts";
import { countPrefixPairs, type Snapshot } from "./snapshot.ts";

/** Share of the previous (tag, prefix) pairs that may disappear in one run. */
export const MAX_REMOVED_SHARE = 0.25;

/**
 * Throws when `current` has no tags, or when the change removes more than
 * {@linkcode MAX_REMOVED_SHARE} of the previous (tag, prefix) pairs.
 * Real weekly changes remove under 2%.
 *
 * @throws {GuardError} saying what was found and how to let it through.
 */
export function checkLargeChange(
  previous: Snapshot,
  current: Snapshot,
  summary: DiffSummary,
): void {
  const hint = "the baseline was kept; if this change is real, run again " +
    "with --accept-large-change";
  if (current.tags.length === 0) {
    throw new GuardError(
      `the new snapshot (changeNumber ${current.changeNumber}) has no tags; ${hint}`,
    );
  }

  const before = countPrefixPairs(previous);
  const share = before === 0 ? 0 : summary.prefixesRemoved / before;
  if (share > MAX_REMOVED_SHARE) {
    const percent = (share * 100).toFixed(1);
    throw new GuardError(
      `the new snapshot (changeNumber ${current.changeNumber}) removes ${summary.prefixesRemoved} of ${before} address prefixes (${percent}%, more than ${
        MAX_REMOVED_SHARE * 100
      }%); ${hint}`,
    );
  }
}
