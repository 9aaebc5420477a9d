/**
 * The content hash of a snapshot: SHA-256 over what the tags say, in a
 * compact binary form that is cheap to build for 95,000 prefixes.
 *
 * Per tag, in id order: the UTF-8 JSON of `[id, region, systemService,
 * networkFeatures]` padded to a multiple of four bytes, then the number of
 * prefixes, then six 32-bit words per prefix (family, four address words,
 * length). Words are little-endian, as on every platform Deno runs on.
 *
 * @module
 */

import type { Prefix } from "./prefix.ts";

/** What the hash covers of a tag; names and change numbers are left out. */
export interface HashedTag {
  readonly id: string;
  readonly region: string;
  readonly systemService: string;
  readonly networkFeatures: readonly string[];
  readonly prefixes: readonly Prefix[];
}

const WORDS_PER_PREFIX = 6;

/** SHA-256 (hex) of the content of `tags`, which must be sorted by id. */
export async function contentHash(tags: readonly HashedTag[]): Promise<string> {
  const headers = tags.map((tag) =>
    JSON.stringify([tag.id, tag.region, tag.systemService, tag.networkFeatures])
  );
  let capacity = 0;
  for (let i = 0; i < tags.length; i++) {
    // UTF-8 needs at most three bytes per UTF-16 unit; four words of framing.
    capacity += (headers[i] as string).length * 3 + 8 +
      (tags[i] as HashedTag).prefixes.length * WORDS_PER_PREFIX * 4;
  }

  const bytes = new Uint8Array((capacity + 7) & ~3);
  const words = new Uint32Array(bytes.buffer);
  const encoder = new TextEncoder();
  let offset = 0;
  for (let i = 0; i < tags.length; i++) {
    const { written } = encoder.encodeInto(
      headers[i] as string,
      bytes.subarray(offset + 4),
    );
    words[offset >> 2] = written;
    offset = (offset + 4 + written + 3) & ~3;

    const prefixes = (tags[i] as HashedTag).prefixes;
    let w = offset >> 2;
    words[w++] = prefixes.length;
    for (const p of prefixes) {
      words[w++] = p.family;
      words[w++] = p.w0;
      words[w++] = p.w1;
      words[w++] = p.w2;
      words[w++] = p.w3;
      words[w++] = p.length;
    }
    offset = w << 2;
  }

  return await sha256Hex(bytes.subarray(0, offset));
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
