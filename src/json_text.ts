/**
 * JSON parsing with errors that say where the text is broken.
 *
 * @module
 */

import { SnapshotFormatError } from "./errors.ts";

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
  } catch {
    // V8's messages do not always say where; the scan finds the place.
    throw new SnapshotFormatError(describeJsonError(body));
  }
}

function describeJsonError(text: string): string {
  const end = text.trimEnd().length;
  const position = findSyntaxError(text);
  if (position === -1 || position >= end) {
    return `the JSON ends early at ${
      lineAndColumn(text, end)
    }: the file looks truncated`;
  }
  const found = JSON.stringify(text.slice(position, position + 12));
  return `not valid JSON at ${
    lineAndColumn(text, position)
  }: unexpected ${found}`;
}

/** Offset of the first character that breaks the JSON grammar. */
function findSyntaxError(text: string): number {
  let i = 0;
  const fail = () => {
    throw i;
  };
  const space = () => {
    while (i < text.length && " \t\r\n".includes(text.charAt(i))) i++;
  };
  const literal = (word: string) => {
    for (const char of word) if (text.charAt(i++) !== char) (i--, fail());
  };
  const string = () => {
    i++;
    while (i < text.length && text.charAt(i) !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text.charAt(i) === "\\" ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(
      text.slice(i, i + 64),
    );
    if (!match) fail();
    i += match?.[0].length ?? 0;
  };
  const list = (close: string, item: () => void) => {
    i++;
    space();
    if (text.charAt(i) === close) return void i++;
    for (;;) {
      item();
      space();
      const char = text.charAt(i);
      if (char === close) return void i++;
      if (char !== ",") fail();
      i++;
      space();
    }
  };
  const value = (): void => {
    space();
    const char = text.charAt(i);
    if (char === "{") {
      list("}", () => {
        if (text.charAt(i) !== '"') fail();
        string();
        space();
        if (text.charAt(i) !== ":") fail();
        i++;
        value();
      });
    } else if (char === "[") list("]", value);
    else if (char === '"') string();
    else if (char === "t") literal("true");
    else if (char === "f") literal("false");
    else if (char === "n") literal("null");
    else number();
  };

  try {
    value();
    space();
    return i < text.length ? i : -1;
  } catch (position) {
    return position as number;
  }
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
