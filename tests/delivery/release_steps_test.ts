/**
 * Runs the release workflow's image check, as written in release.yml, with a
 * stand-in for `docker run` that starts the job under the production
 * permission set instead of a container: the same flags the image's binary
 * carries, without the compile that these machines cannot do.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import config from "../../deno.json" with { type: "json" };
import { stepScript } from "./workflow_step.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const workflow = await Deno.readTextFile(
  join(ROOT, ".github/workflows/release.yml"),
);
const STEP =
  "Check that the image runs, reports the tag's version and loads the Azure SDKs";

// `docker run --rm [-e NAME=VALUE]... IMAGE ARGS...`: the job with a clean
// environment, as in a container. FAKE_BROKEN makes every run but --version
// and --help fail the way a binary without the Azure SDKs would.
const FAKE_DOCKER = `#!/usr/bin/env bash
[[ "$1" == run ]] || exit 64
shift
envs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rm) shift ;;
    -e) envs+=("$2"); shift 2 ;;
    *) break ;;
  esac
done
echo "$1" >> "$(dirname "$0")/images.log"
shift
if [[ -n "$FAKE_BROKEN" && "$1" != --version && "$1" != --help ]]; then
  echo '{"status":"failed","error":{"name":"TypeError","message":"Module not found","exitCode":1}}'
  exit 1
fi
cd "$REPO_ROOT"
exec env -i PATH="$PATH" HOME="$HOME" RUST_BACKTRACE=0 "\${envs[@]}" \\
  deno run --no-prompt -P=production src/main.ts "$@"
`;

async function runCheck(env: Record<string, string>) {
  const bin = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(bin, "docker"), FAKE_DOCKER, { mode: 0o755 });
    await Deno.writeTextFile(join(bin, "images.log"), "");
    const denoDir = Deno.execPath().replace(/\/[^/]+$/, "");
    const { code, stdout, stderr } = await new Deno.Command("bash", {
      args: [
        "--noprofile",
        "--norc",
        "-eo",
        "pipefail",
        "-c",
        stepScript(workflow, STEP),
      ],
      cwd: bin,
      clearEnv: true,
      env: {
        PATH: `${bin}:${denoDir}:/usr/bin:/bin`,
        HOME: Deno.env.get("HOME") ?? "/tmp",
        REPO_ROOT: ROOT,
        ACR_LOGIN_SERVER: "crtest.azurecr.io",
        IMAGE_REPOSITORY: "servicetags-checker",
        ...env,
      },
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return {
      code,
      output: decode(stdout) + decode(stderr),
      images: (await Deno.readTextFile(join(bin, "images.log")))
        .split("\n").filter((l) => l !== ""),
    };
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
}

Deno.test("the image check passes a binary of the tag's version that reaches Azure sign-in", async () => {
  const run = await runCheck({ VERSION: config.version });

  assert.equal(run.code, 0, run.output);
  assert.match(
    run.output,
    new RegExp(`^servicetags-checker ${config.version}$`, "m"),
  );
  assert.match(
    run.output,
    /"status":"failed","error":\{"name":"AzureRequestError"/,
  );
  const image = `crtest.azurecr.io/servicetags-checker:${config.version}`;
  assert.deepEqual(run.images, [image, image, image]);
});

Deno.test("the image check stops a binary that reports another version", async () => {
  const run = await runCheck({ VERSION: "99.0.0" });

  assert.equal(run.code, 1);
  assert.match(
    run.output,
    /^::error title=Wrong version::.* reports 'servicetags-checker \S+', expected 'servicetags-checker 99\.0\.0'$/m,
  );
});

Deno.test("the image check stops a binary whose Azure paths fail to load", async () => {
  const run = await runCheck({ VERSION: config.version, FAKE_BROKEN: "1" });

  assert.equal(run.code, 1);
  assert.match(run.output, /^::error title=Broken image::/m);
});
