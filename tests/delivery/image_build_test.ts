/**
 * The image build cannot run on our build machines (no Docker engine, and
 * `deno compile` downloads its runtime), so these tests hold the build's
 * inputs to what the release needs: one set of compile flags, the
 * production permission set, a minimal non-root final stage.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import config from "../../deno.json" with { type: "json" };

const ROOT = new URL("../../", import.meta.url).pathname;
const dockerfile = await Deno.readTextFile(join(ROOT, "Dockerfile"));
const dockerignore = await Deno.readTextFile(join(ROOT, ".dockerignore"));

/** The instructions of the last stage of the Dockerfile. */
function finalStage(text: string): string[] {
  const lines = text.split("\n").map((l) => l.trim());
  const from = lines.findLastIndex((l) => /^FROM\s/i.test(l));
  return lines.slice(from).filter((l) => l !== "" && !l.startsWith("#"));
}

const tasks = config.tasks as Record<string, string>;

Deno.test("deno task compile builds the Linux binary under the production permission set", () => {
  const words = tasks["compile"]?.split(/\s+/) ?? [];
  assert.deepEqual(words.slice(0, 2), ["deno", "compile"]);
  assert.ok(words.includes("-P=production"), tasks["compile"]);
  assert.equal(
    words[words.indexOf("--target") + 1],
    "x86_64-unknown-linux-gnu",
  );
  assert.equal(words[words.indexOf("--output") + 1], "servicetags-checker");
  assert.equal(words.at(-1), "src/main.ts");
  for (const broad of ["-A", "--allow-all"]) {
    assert.ok(!words.includes(broad), `compile must not use ${broad}`);
  }
  assert.ok(
    !words.some((w) => w.startsWith("--allow-") || w.startsWith("--deny-")),
    "permissions come from the production set alone",
  );
});

Deno.test("the production permission set grants no file writes and network only to listed hosts", () => {
  const sets = (config as { permissions?: Record<string, unknown> })
    .permissions;
  const production = sets?.["production"] as Record<string, unknown>;
  assert.ok(production, 'deno.json has no "permissions.production"');
  assert.ok(!("all" in production), "production must not allow all");
  assert.ok(
    production["write"] === undefined || production["write"] === false,
    "production must not write files",
  );
  const net = production["net"];
  assert.ok(Array.isArray(net) && net.length > 0, "net must be an allow-list");
  assert.ok(
    net.some((host) => String(host).startsWith("169.254.169.254")),
    "the managed identity endpoint must be listed",
  );
});

Deno.test("the Dockerfile compiles through the compile task, so the flags live in one place", () => {
  assert.match(dockerfile, /^RUN deno task compile\b/m);
  assert.doesNotMatch(dockerfile, /deno compile/);
  assert.match(dockerfile, /^COPY deno\.json deno\.lock \.\/$/m);
  assert.ok(
    Deno.statSync(join(ROOT, "deno.lock")).isFile,
    "the build restores from deno.lock: commit it",
  );
  assert.match(
    dockerfile,
    /^RUN deno install --frozen-lockfile --entrypoint src\/main\.ts$/m,
  );
});

Deno.test("the final stage is distroless cc, non-root, with only the binary and an exec-form entrypoint", () => {
  const stage = finalStage(dockerfile);
  assert.equal(stage[0], "FROM gcr.io/distroless/cc-debian12:nonroot");
  const copies = stage.filter((l) => /^COPY\s/i.test(l));
  assert.deepEqual(copies, [
    "COPY --from=build /build/servicetags-checker /servicetags-checker",
  ]);
  assert.ok(stage.includes("USER nonroot"));
  assert.equal(stage.at(-1), 'ENTRYPOINT ["/servicetags-checker"]');
  assert.ok(!stage.some((l) => /^RUN\s/i.test(l)), "no shell in distroless");
});

Deno.test("the image carries OCI labels for source, version and revision from build arguments", () => {
  const stage = finalStage(dockerfile).join("\n");
  for (
    const [label, arg] of [
      ["source", "SOURCE"],
      ["version", "VERSION"],
      ["revision", "REVISION"],
    ]
  ) {
    assert.match(stage, new RegExp(`^ARG ${arg}=`, "m"));
    assert.ok(
      stage.includes(`org.opencontainers.image.${label}="\${${arg}}"`),
      label,
    );
  }
});

Deno.test(".dockerignore sends only deno.json, deno.lock and src/ to the build", () => {
  const rules = dockerignore.split("\n").map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  assert.deepEqual(rules, ["*", "!deno.json", "!deno.lock", "!src"]);
});
