/**
 * `--only` patterns: shell-style globs on tag ids.
 *
 * @module
 */

import { UsageError } from "./errors.ts";

/** Decides whether a tag id is covered by the report. */
export type TagFilter = (id: string) => boolean;

/**
 * Builds a filter from comma-separated glob patterns (`*` any run of
 * characters, `?` one character), matched case-insensitively against the
 * whole id. An empty list keeps every tag.
 *
 * @throws {UsageError} for an empty pattern such as in `"a,,b"`.
 */
export function parseTagFilter(patterns: readonly string[]): TagFilter {
  if (patterns.length === 0) return () => true;

  const expressions = patterns.map((pattern) => {
    const trimmed = pattern.trim();
    if (trimmed === "") {
      throw new UsageError(
        `--only has an empty pattern in "${
          patterns.join(",")
        }": separate patterns with single commas`,
      );
    }
    return globToRegExp(trimmed);
  });
  return (id) => expressions.some((re) => re.test(id));
}

/** Splits the text of `--only` into patterns. */
export function splitPatterns(text: string | undefined): string[] {
  if (text === undefined || text.trim() === "") return [];
  return text.split(",");
}

function globToRegExp(glob: string): RegExp {
  let source = "";
  for (const char of glob) {
    if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else source += char.replace(/[\\^$.|+()[\]{}]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "i");
}
