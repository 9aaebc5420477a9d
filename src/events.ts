/**
 * Names of the log events that other systems match on. The alert rules in
 * `infra/` import these constants, so renaming one is a breaking change for
 * every deployment: add new names instead.
 *
 * @module
 */

/** Logged once when the content of the Service Tags changed since the last run. */
export const SERVICE_TAGS_CHANGED = "ServiceTagsChanged";

/** Logged once when a run fails, with the cause. */
export const SERVICE_TAGS_CHECK_FAILED = "ServiceTagsCheckFailed";

/** Logged when the first snapshot is stored in an empty store. */
export const SERVICE_TAGS_BASELINE_STORED = "ServiceTagsBaselineStored";

/** Logged when the content is the same as the stored baseline. */
export const SERVICE_TAGS_UNCHANGED = "ServiceTagsUnchanged";

/**
 * Logged when the content changed, but none of the tags selected by `--only`:
 * the baseline advanced and no report was written.
 */
export const SERVICE_TAGS_CHANGED_OUTSIDE_FILTER =
  "ServiceTagsChangedOutsideFilter";
