/**
 * Runs the shell steps of the daily workflow, exactly as written in
 * daily.yml, against a stand-in for the Azure CLI: a script named `az` that
 * records its arguments and answers from files the test prepares.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { stepScript } from "./workflow_step.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const workflow = await Deno.readTextFile(
  join(ROOT, ".github/workflows/daily.yml"),
);

// Answers `container show --output json` from show-1.json, show-2.json, ...
// (the last one repeats); a file show-N.fail makes that call fail. Answers
// `get-shared-keys` from primary-key, as the real command does: no --ids, the
// primary key alone only with --query. A call that needs read access to the
// whole subscription, which the deployment identity lacks, is written to
// forbidden.log and fails: `resource show` (provider metadata), listing
// resources or workspaces, and `container create --log-analytics-workspace`
// without a key (az then lists the subscription's workspaces to find it).
const FAKE_AZ = `#!/usr/bin/env bash
dir="$(dirname "$0")"
printf '%s\\n' "$*" >> "$dir/calls.log"
args=("$@")
value() {
  for i in "\${!args[@]}"; do
    if [[ "\${args[$i]}" == "$1" ]]; then printf '%s' "\${args[$((i + 1))]}"; fi
  done
}
forbid() {
  printf '%s\\n' "$*" >> "$dir/forbidden.log"
  echo "ERROR: (AuthorizationFailed) no read access at subscription scope" >&2
  exit 1
}
case "$*" in
  "resource show"* | "resource list"* | "monitor log-analytics workspace list"*)
    forbid "$@" ;;
  "container create"*"--log-analytics-workspace "*)
    [[ -n "$(value --log-analytics-workspace-key)" ]] || forbid "$@" ;;
esac
case "$*" in
  "acr repository show-tags"*) cat "$dir/tags.tsv" ;;
  "monitor log-analytics workspace get-shared-keys"*)
    if [[ -e "$dir/shared-keys.fail" ]]; then
      echo "ERROR: (AuthorizationFailed) no access to the shared keys" >&2; exit 1
    fi
    if [[ "$*" == *"--ids"* ]]; then
      echo "ERROR: unrecognized arguments: --ids" >&2; exit 2
    fi
    if [[ -z "$(value --resource-group)" || -z "$(value --workspace-name)" ]]; then
      echo "ERROR: the following arguments are required" >&2; exit 2
    fi
    primary="$(cat "$dir/primary-key" 2>/dev/null)"
    if [[ "$(value --query)" == primarySharedKey ]]; then
      printf '%s\\n' "$primary"
    else
      printf '{"primarySharedKey": "%s", "secondarySharedKey": "other"}\\n' "$primary"
    fi ;;
  "container show"*"--output json"*)
    n=$(( $(cat "$dir/count" 2>/dev/null || echo 0) + 1 ))
    echo "$n" > "$dir/count"
    if [[ -e "$dir/show-$n.fail" ]]; then echo "ERROR: timed out" >&2; exit 1; fi
    file="$dir/show-$n.json"
    [[ -e "$file" ]] || file="$(ls "$dir"/show-*.json | sort -V | tail -n1)"
    cat "$file" ;;
  "container show"*) exit 3 ;;
  "container logs"*) cat "$dir/job.log" ;;
  "storage blob download"*)
    cp "$dir/blobs/$(value --name)" "$(value --file)" ;;
  *) exit 0 ;;
esac
`;

// Another subscription and group than the job's: the step must take them
// from the workspace's resource id.
const WORKSPACE_ID =
  "/subscriptions/sub-logs/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/log-test";
const WORKSPACE_GUID = "00000000-1111-2222-3333-444444444444";

interface StepRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  calls: string[];
  /** What the step appended to `$GITHUB_STEP_SUMMARY`. */
  summary: string;
}

/** A runner of its own: the fake `az` in `bin`, a working directory. */
interface Sandbox {
  bin: string;
  work: string;
}

async function withSandbox<T>(body: (box: Sandbox) => Promise<T>): Promise<T> {
  const bin = await Deno.makeTempDir();
  // The steps write job.log and report.md into the working directory: give
  // them one of their own that still has the scripts at .github/scripts.
  const work = await Deno.makeTempDir();
  try {
    await Deno.symlink(join(ROOT, ".github"), join(work, ".github"));
    await Deno.symlink(join(ROOT, "src"), join(work, "src"));
    await Deno.writeTextFile(join(bin, "az"), FAKE_AZ, { mode: 0o755 });
    await Deno.writeTextFile(join(bin, "calls.log"), "");
    await Deno.writeTextFile(join(bin, "forbidden.log"), "");
    await Deno.writeTextFile(join(bin, "step_summary.md"), "");
    return await body({ bin, work });
  } finally {
    await Deno.remove(bin, { recursive: true });
    await Deno.remove(work, { recursive: true });
  }
}

/**
 * Runs one step's script in the sandbox, as the runner's bash would. Fails
 * the test when the step called az in a way that needs subscription-wide
 * read access.
 */
async function runStep(
  box: Sandbox,
  name: string,
  env: Record<string, string> = {},
): Promise<StepRun> {
  const outputFile = join(box.bin, "github_output");
  const summaryFile = join(box.bin, "step_summary.md");
  await Deno.writeTextFile(outputFile, "");
  await Deno.writeTextFile(join(box.bin, "calls.log"), "");
  const before = await Deno.readTextFile(summaryFile);
  // deno itself must be found, as on the runner after setup-deno.
  const denoDir = Deno.execPath().replace(/\/[^/]+$/, "");
  const { code, stdout, stderr } = await new Deno.Command("bash", {
    args: [
      "--noprofile",
      "--norc",
      "-eo",
      "pipefail",
      "-c",
      stepScript(workflow, name),
    ],
    cwd: box.work,
    clearEnv: true,
    env: {
      PATH: `${box.bin}:${denoDir}:/usr/bin:/bin`,
      HOME: Deno.env.get("HOME") ?? "/tmp",
      NO_COLOR: "1",
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RESOURCE_GROUP: "rg-test",
      LOCATION: "japaneast",
      SUBSCRIPTION_ID: "sub-id",
      ACR_NAME: "crtest",
      ACR_LOGIN_SERVER: "crtest.azurecr.io",
      STORAGE_ACCOUNT: "sttest",
      RUNTIME_IDENTITY_ID: "/subscriptions/s/rg/id-runtime",
      RUNTIME_IDENTITY_CLIENT_ID: "runtime-client-id",
      LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID,
      LOG_ANALYTICS_WORKSPACE_CUSTOMER_ID: WORKSPACE_GUID,
      GROUP_NAME: "servicetags-checker",
      SERVICETAGS_LOCATION: "japaneast",
      IMAGE_REPOSITORY: "servicetags-checker",
      REPORT_CONTAINER: "servicetags-report",
      WAIT_MINUTES: "5",
      POLL_SECONDS: "0",
      MAX_RESTARTS: "1",
      ...env,
    },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  const outputs = Object.fromEntries(
    (await Deno.readTextFile(outputFile)).split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const calls = (await Deno.readTextFile(join(box.bin, "calls.log")))
    .split("\n").filter((l) => l !== "");
  assert.equal(
    await Deno.readTextFile(join(box.bin, "forbidden.log")),
    "",
    "the step called az with subscription-wide reads",
  );
  return {
    code,
    stdout: decode(stdout) + decode(stderr),
    outputs,
    calls,
    summary: (await Deno.readTextFile(summaryFile)).slice(before.length),
  };
}

/** Prepares a sandbox with `setup`, then runs one step in it. */
function runOne(
  name: string,
  setup: (bin: string) => Promise<void>,
  env: Record<string, string> = {},
): Promise<StepRun> {
  return withSandbox(async (box) => {
    await setup(box.bin);
    return await runStep(box, name, env);
  });
}

/** One `az container show` answer: the first container in this state. */
function show(
  current: Record<string, unknown>,
  restarts = 0,
  previous: Record<string, unknown> | null = null,
): string {
  return JSON.stringify({
    name: "servicetags-checker",
    provisioningState: "Succeeded",
    containers: [{
      name: "servicetags-checker",
      instanceView: {
        restartCount: restarts,
        currentState: current,
        previousState: previous,
      },
    }],
  });
}

const exited = (exitCode: number) => ({ state: "Terminated", exitCode });

async function answers(bin: string, states: string[]): Promise<void> {
  for (const [index, state] of states.entries()) {
    await Deno.writeTextFile(join(bin, `show-${index + 1}.json`), state);
  }
}

Deno.test("the wait step polls until the job exits 0 and outputs success", async () => {
  const run = await runOne(
    "Wait for the run to finish",
    (bin) =>
      answers(bin, [
        show({ state: "Waiting" }),
        show({ state: "Running" }),
        show(exited(0)),
      ]),
  );

  assert.equal(run.code, 0, run.stdout);
  assert.equal(run.outputs["verdict"], "succeeded: the job exited with code 0");
  assert.equal(run.calls.length, 3);
});

Deno.test("the wait step lets Container Instances restart once, then outputs the failure", async () => {
  const run = await runOne(
    "Wait for the run to finish",
    (bin) =>
      answers(bin, [
        show(exited(1)),
        show({ state: "Running" }, 1, exited(1)),
        show(exited(1), 1, exited(1)),
      ]),
  );

  assert.equal(run.code, 0, run.stdout);
  assert.equal(
    run.outputs["verdict"],
    "failed: the job exited with code 1 after 1 restart",
  );
  assert.match(run.stdout, /^running: the job exited with code 1; /m);
});

Deno.test("the wait step asks again after a failed look", async () => {
  const run = await runOne("Wait for the run to finish", async (bin) => {
    await answers(bin, [show({ state: "Running" }), show(exited(0))]);
    await Deno.writeTextFile(join(bin, "show-1.fail"), "");
  });

  assert.equal(run.code, 0, run.stdout);
  assert.match(run.stdout, /running: az container show failed; asking again/);
  assert.equal(run.outputs["verdict"], "succeeded: the job exited with code 0");
});

Deno.test("the wait step gives up at its deadline", async () => {
  const run = await runOne(
    "Wait for the run to finish",
    (bin) => answers(bin, [show({ state: "Running" })]),
    { WAIT_MINUTES: "0" },
  );

  assert.equal(run.code, 0, run.stdout);
  assert.equal(
    run.outputs["verdict"],
    "failed: the run did not finish within 0 minutes",
  );
});

Deno.test("the pick step outputs the image of the newest X.Y.Z tag", async () => {
  const run = await runOne(
    "Pick the newest release",
    (bin) =>
      Deno.writeTextFile(join(bin, "tags.tsv"), "0.9\n0.9.1\n0.10\n0.10.0\n"),
  );

  assert.equal(run.code, 0, run.stdout);
  assert.equal(
    run.outputs["ref"],
    "crtest.azurecr.io/servicetags-checker:0.10.0",
  );
  assert.deepEqual(run.calls, [
    "acr repository show-tags --name crtest --repository servicetags-checker --output tsv",
  ]);
});

Deno.test("the pick step fails when the registry has no release", async () => {
  const run = await runOne(
    "Pick the newest release",
    (bin) => Deno.writeTextFile(join(bin, "tags.tsv"), "0.1\n"),
  );

  assert.notEqual(run.code, 0);
  assert.match(run.stdout, /no release tag/);
  assert.equal(run.outputs["ref"], undefined);
});

/** A random key shaped like a workspace's shared key (base64 of 64 bytes). */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(64));
  return btoa(String.fromCharCode(...bytes));
}

const START = "Start the run";
const IMAGE = "crtest.azurecr.io/servicetags-checker:0.10.0";

/** Lets the fake workspace answer `get-shared-keys` with this primary key. */
function workspaceKey(key: string): (bin: string) => Promise<void> {
  return (bin) => Deno.writeTextFile(join(bin, "primary-key"), key);
}

Deno.test("the start step reads the key of the one workspace and creates the group with the runtime identity, the job's environment, the workspace GUID and that key", async () => {
  const key = randomKey();
  const run = await runOne(START, workspaceKey(key), { IMAGE });

  assert.equal(run.code, 0, run.stdout);
  assert.equal(run.calls.length, 2, run.calls.join("\n"));
  assert.equal(
    run.calls[0],
    "monitor log-analytics workspace get-shared-keys --subscription sub-logs --resource-group rg-logs --workspace-name log-test --query primarySharedKey --output tsv",
  );
  const create = run.calls[1] ?? "";
  for (
    const part of [
      "container create --resource-group rg-test --name servicetags-checker --location japaneast",
      `--image ${IMAGE}`,
      "--registry-login-server crtest.azurecr.io",
      "--acr-identity /subscriptions/s/rg/id-runtime",
      "--assign-identity /subscriptions/s/rg/id-runtime",
      "--restart-policy OnFailure --os-type Linux --cpu 1 --memory 1",
      "--environment-variables AZURE_CLIENT_ID=runtime-client-id AZURE_SUBSCRIPTION_ID=sub-id SERVICETAGS_STORAGE_ACCOUNT=sttest SERVICETAGS_LOCATION=japaneast SERVICETAGS_FORMAT=json",
      `--log-analytics-workspace ${WORKSPACE_GUID} --log-analytics-workspace-key ${key} --output none`,
    ]
  ) {
    assert.ok(create.includes(part), `${part}\nnot in\n${create}`);
  }
});

Deno.test("the start step reads the workspace's parts from a resource id in lower case", async () => {
  const run = await runOne(START, workspaceKey(randomKey()), {
    IMAGE,
    LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID.toLowerCase(),
  });

  assert.equal(run.code, 0, run.stdout);
  assert.match(
    run.calls[0] ?? "",
    / --subscription sub-logs --resource-group rg-logs --workspace-name log-test /,
  );
});

/** Every file below `dir` whose text contains `needle`; links not followed. */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...await filesContaining(path, needle));
    if (entry.isFile && (await Deno.readTextFile(path)).includes(needle)) {
      found.push(path);
    }
  }
  return found;
}

Deno.test("the start step prints the shared key only in its add-mask line and stores it nowhere", async () => {
  const key = randomKey();
  await withSandbox(async (box) => {
    await workspaceKey(key)(box.bin);

    const run = await runStep(box, START, { IMAGE });

    assert.equal(run.code, 0, run.stdout);
    assert.ok(run.calls[1]?.includes(key), "the key did not reach az");
    assert.deepEqual(
      run.stdout.split("\n").filter((line) => line.includes(key)),
      [`::add-mask::${key}`],
    );
    assert.deepEqual(run.outputs, {});
    assert.ok(!run.summary.includes(key), "the key is in the job summary");
    assert.deepEqual(await filesContaining(box.work, key), []);
  });
});

Deno.test("the start step stops before calling az when a workspace variable is empty or no workspace resource id", async () => {
  for (
    const [env, problem] of [
      [
        { LOG_ANALYTICS_WORKSPACE_ID: "" },
        /LOG_ANALYTICS_WORKSPACE_ID '' is not/,
      ],
      [
        { LOG_ANALYTICS_WORKSPACE_ID: "/subscriptions/s/rg/log" },
        /LOG_ANALYTICS_WORKSPACE_ID '\/subscriptions\/s\/rg\/log' is not/,
      ],
      [
        { LOG_ANALYTICS_WORKSPACE_CUSTOMER_ID: "" },
        /LOG_ANALYTICS_WORKSPACE_CUSTOMER_ID is empty/,
      ],
    ] as const
  ) {
    const run = await runOne(START, workspaceKey(randomKey()), {
      IMAGE,
      ...env,
    });

    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, /^::error::/m);
    assert.match(run.stdout, problem);
    assert.deepEqual(run.calls, []);
  }
});

Deno.test("the start step creates no group when the workspace gives no key", async () => {
  const refused = await runOne(START, async (bin) => {
    await Deno.writeTextFile(join(bin, "shared-keys.fail"), "");
  }, { IMAGE });
  const empty = await runOne(START, workspaceKey(""), { IMAGE });

  assert.equal(refused.code, 1, refused.stdout);
  assert.match(refused.stdout, /AuthorizationFailed/);
  assert.equal(empty.code, 1, empty.stdout);
  assert.match(empty.stdout, /^::error::.* returned no primary shared key/m);
  assert.doesNotMatch(empty.stdout, /::add-mask::/);
  for (const run of [refused, empty]) {
    assert.deepEqual(
      run.calls.map((call) => call.split(" --")[0]),
      ["monitor log-analytics workspace get-shared-keys"],
    );
  }
});

Deno.test("the daily job reads only repository variables the infrastructure sets, the workspace GUID among them", async () => {
  const stack = await Deno.readTextFile(
    join(ROOT, "infra/servicetags_stack.ts"),
  );
  const block = stack.match(
    /const variables: Record<string, string> = \{([^}]*)\};/,
  );
  assert.ok(block, "no variables block in infra/servicetags_stack.ts");
  const set = [...(block[1] ?? "").matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)]
    .map((m) => m[1]);
  const read = [...workflow.matchAll(/\bvars\.([A-Z][A-Z0-9_]*)/g)]
    .map((m) => m[1]);

  assert.deepEqual(read.filter((name) => !set.includes(name)), []);
  assert.match(
    workflow,
    /^ {6}LOG_ANALYTICS_WORKSPACE_CUSTOMER_ID: \$\{\{ vars\.LOG_ANALYTICS_WORKSPACE_CUSTOMER_ID \}\}$/m,
  );
});

Deno.test("the last step fails the workflow unless the container succeeded and the job did its work", async () => {
  const name = "Fail the workflow when the run failed";
  const none = () => Promise.resolve();
  const good = await runOne(name, none, {
    VERDICT: "succeeded: the job exited with code 0",
    OK: "true",
    STATUS: "changed",
  });
  const failedJob = await runOne(name, none, {
    VERDICT: "succeeded: the job exited with code 0",
    OK: "false",
    STATUS: "missing",
  });
  const failedContainer = await runOne(name, none, {
    VERDICT: "failed: the job exited with code 1 after 1 restart",
    OK: "false",
    STATUS: "failed",
  });

  assert.equal(good.code, 0, good.stdout);
  assert.equal(failedJob.code, 1);
  assert.equal(failedContainer.code, 1);
  assert.match(
    failedContainer.stdout,
    /^::error title=Service Tags check failed::status failed; container failed: the job exited with code 1/m,
  );
});

/** Runs the job twice (a baseline, then a change) into a store folder. */
async function changedStore(store: string): Promise<string> {
  const data = Deno.env.get("SERVICETAGS_TEST_DATA") ??
    join(ROOT, "..", "shared", "data", "servicetags");
  let log = "";
  for (const week of ["20260316", "20260323"]) {
    const { stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "task",
        "--quiet",
        "start",
        "--source",
        join(data, `ServiceTags_China_${week}.json`),
        "--store",
        store,
        "--format",
        "json",
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    log = decode(stderr) + decode(stdout);
  }
  return log;
}

Deno.test("the log, summary and report steps put the run's outcome and its report in the job summary", async () => {
  await withSandbox(async (box) => {
    const store = join(box.bin, "store");
    await Deno.writeTextFile(
      join(box.bin, "job.log"),
      await changedStore(store),
    );
    // The fake registry of blobs is the job's own report folder.
    await Deno.symlink(
      join(store, "servicetags-report"),
      join(box.bin, "blobs"),
    );

    const fetched = await runStep(box, "Fetch the container log");
    assert.equal(fetched.code, 0, fetched.stdout);
    assert.deepEqual(fetched.calls, [
      "container logs --resource-group rg-test --name servicetags-checker",
    ]);

    const summary = await runStep(box, "Write the job summary", {
      IMAGE: "crtest.azurecr.io/servicetags-checker:0.10.0",
      VERDICT: "succeeded: the job exited with code 0",
    });
    assert.equal(summary.code, 0, summary.stdout);
    const md = [...Deno.readDirSync(join(store, "servicetags-report"))]
      .map((e) => e.name).find((n) => n.endsWith(".md"));
    assert.deepEqual(summary.outputs, {
      status: "changed",
      ok: "true",
      report_markdown: md,
    });
    assert.match(summary.summary, /^## Service Tags check: changed$/m);
    assert.match(summary.summary, /^\| Change number \| 388 → 389 \|$/m);

    const report = await runStep(
      box,
      "Add the Markdown report to the summary",
      {
        REPORT: md ?? "",
      },
    );
    assert.equal(report.code, 0, report.stdout);
    assert.equal(
      report.calls[0],
      `storage blob download --auth-mode login --account-name sttest --container-name servicetags-report --name ${md} --file report.md --output none`,
    );
    const original = await Deno.readTextFile(
      join(store, "servicetags-report", md ?? ""),
    );
    assert.ok(report.summary.includes(original.trimEnd()));
  });
});

Deno.test("a run that did not start says so in the job summary", async () => {
  const run = await runOne(
    "Say so in the summary when the run did not start",
    () => Promise.resolve(),
  );

  assert.equal(run.code, 0, run.stdout);
  assert.match(run.summary, /^## Service Tags check: not started$/m);
});
