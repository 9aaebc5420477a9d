import assert from "node:assert/strict";
import { diffSnapshots, summarizeDiff } from "../src/diff.ts";
import { GuardError } from "../src/errors.ts";
import { checkLargeChange } from "../src/guard.ts";
import { countPrefixPairs } from "../src/snapshot.ts";
import { rawTag, snapshotOf } from "./support/documents.ts";

const hundred = Array.from({ length: 100 }, (_, i) => `10.0.${i}.0/24`);
const previous = await snapshotOf([
  rawTag("A", hundred.slice(0, 60)),
  rawTag("B", hundred.slice(60)),
]);

async function check(remaining: string[], extraTags = 0) {
  const tags = [
    rawTag("A", remaining.filter((p) => hundred.indexOf(p) < 60)),
    rawTag("B", remaining.filter((p) => hundred.indexOf(p) >= 60)),
  ];
  for (let i = 0; i < extraTags; i++) {
    tags.push(rawTag(`X${i}`, ["20.0.0.0/8"]));
  }
  const current = await snapshotOf(tags, { changeNumber: 2 });
  checkLargeChange(
    previous,
    current,
    summarizeDiff(diffSnapshots(previous, current)),
  );
}

Deno.test("countPrefixPairs() counts each prefix of each tag", () => {
  assert.equal(countPrefixPairs(previous), 100);
});

Deno.test("checkLargeChange() lets through a change that removes 25% of the pairs", async () => {
  await check(hundred.slice(25));
});

Deno.test("checkLargeChange() holds back a change that removes more than 25%", async () => {
  await assert.rejects(() => check(hundred.slice(26)), (error: unknown) => {
    assert.ok(error instanceof GuardError);
    assert.equal(
      error.message,
      "the new snapshot (changeNumber 2) removes 26 of 100 address prefixes (26.0%, more than 25%); the baseline was kept; if this change is real, run again with --accept-large-change",
    );
    return true;
  });
});

Deno.test("checkLargeChange() holds back a snapshot without tags", async () => {
  const empty = await snapshotOf([], { changeNumber: 3 });
  assert.throws(
    () =>
      checkLargeChange(
        previous,
        empty,
        summarizeDiff(diffSnapshots(previous, empty)),
      ),
    /the new snapshot \(changeNumber 3\) has no tags; the baseline was kept/,
  );
});
