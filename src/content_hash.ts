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

import { Utf8Builder } from "./utf8_builder.ts";

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
  // Canonical prefixes are ASCII, about 17 characters on average in a
  // Public week: with room for 24 and a line, the buffer seldom grows.
  const text = new Utf8Builder(tags.length * 128 + countPrefixes(tags) * 25);
  for (const tag of tags) {
    text.append(
      JSON.stringify([
        tag.id,
        tag.region,
        tag.systemService,
        tag.networkFeatures,
      ]),
    );
    text.append("\n");
    if (tag.prefixes.length > 0) {
      text.append(tag.prefixes.join("\n"));
      text.append("\n");
    }
  }
  return await sha256Hex(text.bytes());
}

function countPrefixes(tags: readonly HashedTag[]): number {
  let count = 0;
  for (const tag of tags) count += tag.prefixes.length;
  return count;
}

/** SHA-256 (hex) of some bytes, through Web Crypto. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Never backed by shared memory here, which Web Crypto would refuse.
  const digest = await crypto.subtle.digest(
    "SHA-256",
    bytes as Uint8Array<ArrayBuffer>,
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}
