/**
 * A source that reads a Service Tags file: Microsoft's weekly download, or a
 * snapshot this job stored (gzip-compressed files are recognized).
 *
 * @module
 */

import { sha256Hex } from "./content_hash.ts";
import { InputError, SnapshotFormatError } from "./errors.ts";
import { parseJsonText } from "./json_text.ts";
import { loadZlib } from "./snapshot_codec.ts";
import { type Source, type SourceDocument, sourceDocument } from "./source.ts";

const GZIP_MAGIC = [0x1f, 0x8b];
const REPLACEMENT_CHARACTER = "\uFFFD";

/** Reads Service Tags from a local JSON file. */
export class FileSource implements Source {
  readonly description: string;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
    this.description = `file ${path}`;
  }

  async read(): Promise<SourceDocument> {
    const bytes = await this.#readBytes();
    return sourceDocument(
      await sha256Hex(bytes),
      async () => parseJsonText(await decodeText(bytes)),
      (error) =>
        new InputError(`${this.#path}: ${error.message}`, { cause: error }),
    );
  }

  async #readBytes(): Promise<Uint8Array<ArrayBuffer>> {
    try {
      return await Deno.readFile(this.#path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new InputError(`source file ${this.#path} does not exist`);
      }
      if (error instanceof Deno.errors.IsADirectory) {
        throw new InputError(`source ${this.#path} is a directory, not a file`);
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new InputError(`cannot read source file ${this.#path}: ${reason}`, {
        cause: error,
      });
    }
  }
}

async function decodeText(bytes: Uint8Array): Promise<string> {
  let data = bytes;
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    const { gunzipSync } = await loadZlib();
    try {
      data = gunzipSync(bytes);
    } catch (error) {
      throw new SnapshotFormatError(
        `the gzip data is damaged: ${(error as Error).message}`,
      );
    }
  }
  // The lenient decoder is much faster; it marks a broken byte with U+FFFD,
  // which the strict one then tells apart from a real U+FFFD.
  const text = new TextDecoder().decode(data);
  if (!text.includes(REPLACEMENT_CHARACTER)) return text;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw new SnapshotFormatError("the file is not UTF-8 text");
  }
}
