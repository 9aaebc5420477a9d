import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type ContainerGroupView,
  type ContainerStateView,
  judgeContainerGroup,
} from "../../.github/scripts/container_state.ts";

const SCRIPT =
  new URL("../../.github/scripts/container_state.ts", import.meta.url)
    .pathname;

/** The shape `az container show --output json` prints, trimmed to the parts read. */
function group(
  current: ContainerStateView | null,
  options: { previous?: ContainerStateView; restarts?: number } = {},
): ContainerGroupView {
  return {
    provisioningState: "Succeeded",
    containers: [{
      instanceView: {
        restartCount: options.restarts ?? 0,
        currentState: current,
        previousState: options.previous ?? null,
      },
    }],
  };
}

const terminated = (exitCode: number): ContainerStateView => ({
  state: "Terminated",
  exitCode,
  detailStatus: exitCode === 0 ? "Completed" : "Error",
});

Deno.test("a container that has not started yet is still running", () => {
  assert.equal(judgeContainerGroup({ containers: [{}] }).verdict, "running");
  assert.equal(judgeContainerGroup(group(null)).verdict, "running");
  assert.equal(
    judgeContainerGroup(group({ state: "Waiting", detailStatus: "Pulling" }))
      .verdict,
    "running",
  );
});

Deno.test("a run that terminated with exit code 0 succeeded", () => {
  assert.deepEqual(judgeContainerGroup(group(terminated(0))), {
    verdict: "succeeded",
    reason: "the job exited with code 0",
  });
});

Deno.test("a run that succeeded after a restart says so", () => {
  const verdict = judgeContainerGroup(
    group(terminated(0), { previous: terminated(1), restarts: 1 }),
  );
  assert.deepEqual(verdict, {
    verdict: "succeeded",
    reason: "the job exited with code 0 after 1 restart",
  });
});

Deno.test("a first failure with restarts left waits for the restart", () => {
  const verdict = judgeContainerGroup(group(terminated(1)), 1);
  assert.equal(verdict.verdict, "running");
  assert.match(verdict.reason, /exited with code 1; .* restarts it/);
});

Deno.test("a failure after the allowed restarts fails", () => {
  const verdict = judgeContainerGroup(
    group(terminated(1), { previous: terminated(1), restarts: 1 }),
    1,
  );
  assert.deepEqual(verdict, {
    verdict: "failed",
    reason: "the job exited with code 1 after 1 restart",
  });
});

Deno.test("with no restarts allowed the first failure fails", () => {
  assert.equal(
    judgeContainerGroup(group(terminated(1)), 0).verdict,
    "failed",
  );
});

Deno.test("a usage error fails at once: a restart cannot fix it", () => {
  const direct = judgeContainerGroup(group(terminated(2)), 3);
  const restarted = judgeContainerGroup(
    group({ state: "Running" }, { previous: terminated(2), restarts: 1 }),
    3,
  );
  for (const verdict of [direct, restarted]) {
    assert.equal(verdict.verdict, "failed");
    assert.match(verdict.reason, /code 2 \(a usage or input error\)/);
  }
});

Deno.test("a container restarting beyond the limit fails while it runs again", () => {
  const verdict = judgeContainerGroup(
    group({ state: "Running" }, { previous: terminated(1), restarts: 2 }),
    1,
  );
  assert.deepEqual(verdict, {
    verdict: "failed",
    reason: "the job exited with code 1 and was restarted 2 times (limit 1)",
  });
});

Deno.test("a restarted run within the limit is still running", () => {
  const verdict = judgeContainerGroup(
    group({ state: "Running" }, { previous: terminated(1), restarts: 1 }),
    1,
  );
  assert.deepEqual(verdict, {
    verdict: "running",
    reason: "the container is Running",
  });
});

Deno.test("a group that failed to provision fails", () => {
  assert.equal(
    judgeContainerGroup({ provisioningState: "Failed", containers: [] })
      .verdict,
    "failed",
  );
});

Deno.test("the script reads az output on stdin and prints the verdict word first", async () => {
  const dir = await Deno.makeTempDir();
  const input = join(dir, "show.json");
  // As az prints it: more fields than the verdict reads.
  await Deno.writeTextFile(
    input,
    JSON.stringify({
      name: "servicetags-checker",
      restartPolicy: "OnFailure",
      instanceView: { state: "Succeeded", events: [] },
      ...group(terminated(0)),
    }),
  );
  try {
    const run = async (args: string[]) => {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-prompt", SCRIPT, ...args],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const file = await Deno.open(input);
      await file.readable.pipeTo(child.stdin);
      const { code, stdout, stderr } = await child.output();
      const decode = (b: Uint8Array) => new TextDecoder().decode(b);
      return { code, out: decode(stdout), err: decode(stderr) };
    };

    const ok = await run(["--max-restarts", "1"]);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.out, "succeeded: the job exited with code 0\n");

    const bad = await run(["--max-restarts", "one"]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--max-restarts "one" is not a whole number/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
