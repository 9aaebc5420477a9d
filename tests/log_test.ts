import assert from "node:assert/strict";
import { createLogger } from "../src/log.ts";

const now = () => new Date("2026-12-03T08:15:00.000Z");

Deno.test("the logger writes one JSON object per line off a terminal", () => {
  const lines: string[] = [];
  const logger = createLogger({
    json: true,
    write: (line) => lines.push(line),
    now,
  });
  logger.info("Service Tags changed", {
    event: "ServiceTagsChanged",
    tagsAdded: 2,
  });
  assert.deepEqual(lines.map((line) => JSON.parse(line)), [{
    time: "2026-12-03T08:15:00.000Z",
    level: "info",
    message: "Service Tags changed",
    event: "ServiceTagsChanged",
    tagsAdded: 2,
  }]);
});

Deno.test("the logger writes short readable lines on a terminal", () => {
  const lines: string[] = [];
  const logger = createLogger({
    json: false,
    write: (line) => lines.push(line),
    now,
  });
  logger.warn("Retrying", { attempt: 2, store: "local directory x" });
  assert.deepEqual(lines, [
    "08:15:00 WARN  Retrying attempt=2 store=local directory x",
  ]);
});

Deno.test("debug lines appear only when verbose", () => {
  const quiet: string[] = [];
  createLogger({ json: true, write: (l) => quiet.push(l), now }).debug(
    "detail",
  );
  const verbose: string[] = [];
  createLogger({
    json: true,
    verbose: true,
    write: (l) => verbose.push(l),
    now,
  }).debug("detail");
  assert.equal(quiet.length, 0);
  assert.equal(verbose.length, 1);
});

Deno.test("the logger never writes the value of a field that looks like a secret", () => {
  const lines: string[] = [];
  const logger = createLogger({
    json: true,
    write: (line) => lines.push(line),
    now,
  });
  logger.info("request", {
    accessToken: "eyJ0eXAi",
    authorization: "Bearer x",
    sasUrl: "https://a?sig=1",
    status: 200,
  });
  const record = JSON.parse(lines[0] ?? "{}");
  assert.equal(record.accessToken, "[redacted]");
  assert.equal(record.authorization, "[redacted]");
  assert.equal(record.sasUrl, "[redacted]");
  assert.equal(record.status, 200);
});
