/**
 * Stops a release whose tag disagrees with the version in `deno.json`: the
 * binary prints that version with `--version`, so an image tagged 1.2.3
 * must hold a binary that says 1.2.3.
 *
 * Usage: `deno run check_release_tag.ts vX.Y.Z` exits 0 when they agree and
 * 1 with a message saying what to fix when they do not.
 *
 * @module
 */

import config from "../../deno.json" with { type: "json" };

const RELEASE_TAG = /^v(\d+\.\d+\.\d+)$/;

/** Why the tag cannot be released with this version; `null` when it can. */
export function releaseTagProblem(
  tag: string,
  version: string,
): string | null {
  const match = RELEASE_TAG.exec(tag);
  if (!match) {
    return `tag "${tag}" is not a release tag of the form vX.Y.Z (for example v1.2.3)`;
  }
  if (match[1] !== version) {
    return `tag ${tag} does not match "version": "${version}" in deno.json; set the version to ${
      match[1]
    }, commit, and tag that commit (delete the wrong tag with git push --delete origin ${tag})`;
  }
  return null;
}

if (import.meta.main) {
  const tag = Deno.args[0] ?? "";
  const problem = releaseTagProblem(tag, config.version);
  if (problem) {
    console.error(`error: ${problem}`);
    Deno.exit(1);
  }
  console.log(`tag ${tag} matches deno.json version ${config.version}`);
}
