import assert from "node:assert/strict";
import { UsageError } from "../src/errors.ts";
import { parseTagFilter, splitPatterns } from "../src/tag_filter.ts";

Deno.test("parseTagFilter() matches whole ids with * and ?, ignoring case", () => {
  const keep = parseTagFilter([
    "AzureCloud.japaneast",
    "Storage.*",
    "Sql.?est",
  ]);
  assert.ok(keep("AzureCloud.japaneast"));
  assert.ok(keep("azurecloud.JapanEast"));
  assert.ok(keep("Storage.WestEurope"));
  assert.ok(keep("Sql.West"));
  assert.ok(!keep("AzureCloud.japaneast2"));
  assert.ok(!keep("Storage"));
  assert.ok(!keep("MyStorage.WestEurope"));
  assert.ok(!keep("Sql.Wesst"));
});

Deno.test("parseTagFilter() treats regular expression characters literally", () => {
  const keep = parseTagFilter(["A.B+(c)"]);
  assert.ok(keep("A.B+(c)"));
  assert.ok(!keep("AxB+(c)"));
  assert.ok(!keep("A.BB(c)"));
});

Deno.test("parseTagFilter() without patterns keeps every tag", () => {
  assert.ok(parseTagFilter([])("anything"));
});

Deno.test("parseTagFilter() rejects an empty pattern", () => {
  assert.throws(
    () => parseTagFilter(splitPatterns("Storage.*,,Sql")),
    UsageError,
  );
});

Deno.test("splitPatterns() splits on commas and reads blank text as no patterns", () => {
  assert.deepEqual(splitPatterns("AzureCloud.japaneast,Storage.*"), [
    "AzureCloud.japaneast",
    "Storage.*",
  ]);
  assert.deepEqual(splitPatterns(""), []);
  assert.deepEqual(splitPatterns(undefined), []);
});
