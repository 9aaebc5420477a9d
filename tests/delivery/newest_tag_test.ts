import assert from "node:assert/strict";
import { newestReleaseTag } from "../../.github/scripts/newest_tag.ts";

const SCRIPT = new URL("../../.github/scripts/newest_tag.ts", import.meta.url)
  .pathname;

async function runScript(
  input: string,
): Promise<{ code: number; out: string; err: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", SCRIPT],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, out: decode(stdout), err: decode(stderr) };
}

Deno.test("newestReleaseTag() compares versions as numbers, not as text", () => {
  assert.equal(newestReleaseTag(["1.9.3", "1.10.0", "1.2.11"]), "1.10.0");
  assert.equal(newestReleaseTag(["2.0.0", "10.0.0", "9.99.99"]), "10.0.0");
  assert.equal(newestReleaseTag(["0.1.9", "0.1.10"]), "0.1.10");
});

Deno.test("newestReleaseTag() ignores the moving X.Y tags and other names", () => {
  assert.equal(
    newestReleaseTag([
      "0.2",
      "0.1.0",
      "latest",
      "v9.9.9",
      "9.9.9-rc.1",
      "01.2.3",
      "0.1.1",
    ]),
    "0.1.1",
  );
});

Deno.test("newestReleaseTag() finds nothing in a repository without releases", () => {
  assert.equal(newestReleaseTag([]), undefined);
  assert.equal(newestReleaseTag(["0.1", "latest"]), undefined);
});

Deno.test("the script reads az's tsv list and prints the newest release", async () => {
  const { code, out } = await runScript("0.1\n0.1.0\n0.1.2\n0.2\n0.2.0\n");
  assert.equal(code, 0);
  assert.equal(out, "0.2.0\n");
});

Deno.test("the script fails with a message when there is no release", async () => {
  const { code, out, err } = await runScript("0.1\nlatest\n");
  assert.equal(code, 1);
  assert.equal(out, "");
  assert.match(err, /no release tag \(X\.Y\.Z\) among 2 tag\(s\)/);
});
