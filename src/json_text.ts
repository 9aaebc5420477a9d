/**
 * JSON parsing with errors that say where the text is broken.
 *
 * @module
 */

import { SnapshotFormatError } from "./errors.ts";

const POSITION = /at position (\d+)/;

/**
 * Parses JSON text, accepting a byte order mark and CRLF line endings.
 *
 * @throws {SnapshotFormatError} with the line and column of the problem, or
 * saying that the text ends early (a truncated download).
 */
export function parseJsonText(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") {
    throw new SnapshotFormatError("the file is empty, not JSON");
  }

  try {
    return JSON.parse(body);
  } catch (error) {
    throw new SnapshotFormatError(describeJsonError(body, error));
  }
}

function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = POSITION.exec(message);
  const position = match ? Number(match[1]) : undefined;
  const end = text.trimEnd().length;

  if (position === undefined && message.includes("end of JSON input")) {
    return `the JSON ends early at ${
      lineAndColumn(text, end)
    }: the file looks truncated`;
  }
  if (position !== undefined && position >= end) {
    return `the JSON ends early at ${
      lineAndColumn(text, end)
    }: the file looks truncated`;
  }
  const reason = message.replace(/ in JSON at position.*$/, "")
    .replace(/, ".*" is not valid JSON$/, "");
  const where = position === undefined
    ? ""
    : ` at ${lineAndColumn(text, position)}`;
  return `not valid JSON${where}: ${reason}`;
}

function lineAndColumn(text: string, position: number): string {
  let line = 1;
  let lineStart = 0;
  for (
    let i = text.indexOf("\n");
    i !== -1 && i < position;
    i = text.indexOf("\n", i + 1)
  ) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${position - lineStart + 1}`;
}
