import assert from "node:assert/strict";
import config from "../../deno.json" with { type: "json" };
import { releaseTagProblem } from "../../.github/scripts/check_release_tag.ts";

const SCRIPT = new URL(
  "../../.github/scripts/check_release_tag.ts",
  import.meta.url,
).pathname;

async function runScript(tag: string) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", SCRIPT, tag],
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, out: decode(stdout), err: decode(stderr) };
}

Deno.test("releaseTagProblem() accepts the tag of the version in deno.json", () => {
  assert.equal(releaseTagProblem("v1.2.3", "1.2.3"), null);
});

Deno.test("releaseTagProblem() names both versions when they differ", () => {
  assert.equal(
    releaseTagProblem("v1.2.4", "1.2.3"),
    'tag v1.2.4 does not match "version": "1.2.3" in deno.json; set the version to 1.2.4, commit, and tag that commit (delete the wrong tag with git push --delete origin v1.2.4)',
  );
});

Deno.test("releaseTagProblem() refuses a tag that is not vX.Y.Z", () => {
  for (const tag of ["1.2.3", "v1.2", "v1.2.3-rc.1", "release"]) {
    assert.match(
      releaseTagProblem(tag, "1.2.3") ?? "",
      /is not a release tag of the form vX\.Y\.Z/,
      tag,
    );
  }
});

Deno.test("the script passes for the tag of deno.json's version and fails for another", async () => {
  const good = await runScript(`v${config.version}`);
  assert.equal(good.code, 0, good.err);
  assert.match(good.out, /matches deno\.json version/);

  const [major, minor, patch] = config.version.split(".").map(Number);
  const other = `v${major}.${minor}.${(patch ?? 0) + 1}`;
  const bad = await runScript(other);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^error: tag v\S+ does not match "version"/);
});
