/**
 * Picks the newest release of the image from the tags of its repository in
 * the registry. Release tags are bare `X.Y.Z`; the moving `X.Y` tags and
 * anything else are ignored.
 *
 * Usage: `az acr repository show-tags ... --output tsv | deno run newest_tag.ts`
 * prints the tag, or fails with a message when there is no release yet.
 *
 * @module
 */

const RELEASE_TAG = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** The highest `X.Y.Z` tag, compared as numbers; `undefined` when none. */
export function newestReleaseTag(
  tags: readonly string[],
): string | undefined {
  let newest: { tag: string; parts: number[] } | undefined;
  for (const raw of tags) {
    const tag = raw.trim();
    const match = RELEASE_TAG.exec(tag);
    if (!match) continue;
    const parts = match.slice(1).map(Number);
    if (!newest || compareParts(parts, newest.parts) > 0) {
      newest = { tag, parts };
    }
  }
  return newest?.tag;
}

function compareParts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

async function readStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

if (import.meta.main) {
  const tags = (await readStdin()).split(/\s+/).filter((t) => t !== "");
  const newest = newestReleaseTag(tags);
  if (newest === undefined) {
    console.error(
      `error: no release tag (X.Y.Z) among ${tags.length} tag(s) of the image; push a tag vX.Y.Z to run the release workflow first`,
    );
    Deno.exit(1);
  }
  console.log(newest);
}
