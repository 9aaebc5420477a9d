/**
 * The real weekly Service Tags files that the tests read are not part of the
 * repository. `tests/testdata/real_data.json` lists each one with the public
 * mirror and commit it comes from and its SHA-256; on a machine without the
 * shared data (GitHub's runners), this script downloads them and checks
 * every byte:
 *
 * ```sh
 * deno run --allow-read --allow-write --allow-net=raw.githubusercontent.com \
 *   tests/support/real_data.ts DEST_FOLDER
 * export SERVICETAGS_TEST_DATA=DEST_FOLDER
 * ```
 *
 * @module
 */

import { join } from "node:path";

/** One entry of the manifest. */
export interface RealDataFile {
  name: string;
  url: string;
  sha256: string;
  bytes: number;
}

/** Reads the manifest of the real data files. */
export function readManifest(): RealDataFile[] {
  const url = new URL("../testdata/real_data.json", import.meta.url);
  return JSON.parse(Deno.readTextFileSync(url)).files;
}

/** SHA-256 (hex) of some bytes. */
export async function sha256Hex(
  bytes: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Options of {@linkcode fetchRealData}. */
export interface FetchOptions {
  destination: string;
  files?: readonly RealDataFile[];
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Downloads every file that is not already in `destination` with the right
 * hash, and checks each download's size and SHA-256 before keeping it.
 *
 * @throws {Error} naming the file and what differed; nothing wrong is kept.
 */
export async function fetchRealData(options: FetchOptions): Promise<string[]> {
  const files = options.files ?? readManifest();
  const get = options.fetch ?? fetch;
  await Deno.mkdir(options.destination, { recursive: true });

  const downloaded: string[] = [];
  for (const file of files) {
    const path = join(options.destination, file.name);
    if (await hasHash(path, file.sha256)) continue;

    const response = await get(file.url);
    if (!response.ok) {
      throw new Error(
        `${file.name}: ${file.url} answered HTTP ${response.status}`,
      );
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const hash = await sha256Hex(bytes);
    if (bytes.length !== file.bytes || hash !== file.sha256) {
      throw new Error(
        `${file.name}: ${file.url} gave ${bytes.length} bytes with SHA-256 ${hash}, expected ${file.bytes} bytes with ${file.sha256}`,
      );
    }
    await Deno.writeFile(path, bytes);
    downloaded.push(file.name);
  }
  return downloaded;
}

async function hasHash(path: string, expected: string): Promise<boolean> {
  try {
    return await sha256Hex(await Deno.readFile(path)) === expected;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

if (import.meta.main) {
  const destination = Deno.args[0];
  if (!destination) {
    console.error("usage: real_data.ts DEST_FOLDER");
    Deno.exit(2);
  }
  const downloaded = await fetchRealData({ destination });
  console.log(`${downloaded.length} files downloaded into ${destination}`);
}
