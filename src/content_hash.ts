/**
 * The content hash of a snapshot: SHA-256 over what its tags say.
 *
 * The hashed text has, per tag in id order, one line with the JSON of
 * `[id, region, systemService, networkFeatures]`, then one line per prefix
 * in canonical form. A prefix never starts with `[`, so the text can be read
 * only one way. UTF-8, lines ended by `\n`.
 *
 * @module
 */

/** What the hash covers of a tag; names and change numbers are left out. */
export interface HashedTag {
  readonly id: string;
  readonly region: string;
  readonly systemService: string;
  readonly networkFeatures: readonly string[];
  /** Canonical prefix texts, in the tag's order. */
  readonly prefixes: readonly string[];
}

/** SHA-256 (hex) of the content of `tags`, which must be sorted by id. */
export async function contentHash(tags: readonly HashedTag[]): Promise<string> {
  const parts: string[] = [];
  for (const tag of tags) {
    parts.push(
      JSON.stringify([
        tag.id,
        tag.region,
        tag.systemService,
        tag.networkFeatures,
      ]),
    );
    if (tag.prefixes.length > 0) parts.push(tag.prefixes.join("\n"));
  }
  parts.push("");
  return await sha256Hex(new TextEncoder().encode(parts.join("\n")));
}

/** SHA-256 (hex) of some bytes, through Web Crypto. */
export async function sha256Hex(
  bytes: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}
