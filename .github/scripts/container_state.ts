/**
 * Judges a run of the job on Azure Container Instances from the container
 * group that `az container show --output json` prints. With the restart
 * policy OnFailure a failed run is started again, so "failed" means: exited
 * with the usage exit code (a restart cannot help), or failed again after
 * the allowed restarts.
 *
 * Usage: `az container show ... --output json | deno run container_state.ts
 * [--max-restarts N]` prints one line, `running: ...`, `succeeded: ...` or
 * `failed: ...`, the word first so a shell `case` can match it.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { EXIT_USAGE } from "../../src/errors.ts";

/** One state of a container, as ACI reports it. */
export interface ContainerStateView {
  state?: string | null;
  exitCode?: number | null;
  detailStatus?: string | null;
}

/** The part of `az container show` output that the verdict reads. */
export interface ContainerGroupView {
  provisioningState?: string | null;
  containers?:
    | Array<{
      instanceView?: {
        restartCount?: number | null;
        currentState?: ContainerStateView | null;
        previousState?: ContainerStateView | null;
      } | null;
    }>
    | null;
}

/** What the waiting loop does next. */
export interface Verdict {
  verdict: "running" | "succeeded" | "failed";
  reason: string;
}

/** Restarts a failed run gets by default before it counts as failed. */
export const DEFAULT_MAX_RESTARTS = 1;

/** Judges the first container of the group. */
export function judgeContainerGroup(
  group: ContainerGroupView,
  maxRestarts: number = DEFAULT_MAX_RESTARTS,
): Verdict {
  if (group.provisioningState === "Failed") {
    return failed("the container group failed to provision");
  }
  const view = group.containers?.[0]?.instanceView;
  if (!view?.currentState) {
    return running("the container has not started yet");
  }

  const restarts = view.restartCount ?? 0;
  const current = view.currentState;
  if (current.state === "Terminated") {
    return judgeExit(current.exitCode ?? null, restarts, maxRestarts);
  }

  const previous = view.previousState;
  if (previous?.state === "Terminated" && previous.exitCode !== 0) {
    const code = previous.exitCode ?? null;
    if (code === EXIT_USAGE) return usageFailure();
    if (restarts > maxRestarts) {
      return failed(
        `the job exited with code ${code} and was restarted ${restarts} times (limit ${maxRestarts})`,
      );
    }
  }
  return running(`the container is ${current.state ?? "starting"}`);
}

function judgeExit(
  code: number | null,
  restarts: number,
  maxRestarts: number,
): Verdict {
  const after = restarts === 0 ? "" : ` after ${plural(restarts, "restart")}`;
  if (code === 0) return succeeded(`the job exited with code 0${after}`);
  if (code === EXIT_USAGE) return usageFailure();
  if (restarts >= maxRestarts) {
    return failed(`the job exited with code ${code}${after}`);
  }
  return running(
    `the job exited with code ${code}; Container Instances restarts it (${restarts} of ${maxRestarts} restarts used)`,
  );
}

function usageFailure(): Verdict {
  return failed(
    `the job exited with code ${EXIT_USAGE} (a usage or input error); a restart cannot fix it`,
  );
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function running(reason: string): Verdict {
  return { verdict: "running", reason };
}

function succeeded(reason: string): Verdict {
  return { verdict: "succeeded", reason };
}

function failed(reason: string): Verdict {
  return { verdict: "failed", reason };
}

function parseMaxRestarts(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: { "max-restarts": { type: "string" } },
  });
  const text = values["max-restarts"] ?? String(DEFAULT_MAX_RESTARTS);
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(
      `--max-restarts "${text}" is not a whole number of restarts such as 1`,
    );
  }
  return value;
}

if (import.meta.main) {
  try {
    const maxRestarts = parseMaxRestarts(Deno.args);
    const text = await new Response(Deno.stdin.readable).text();
    const { verdict, reason } = judgeContainerGroup(
      JSON.parse(text) as ContainerGroupView,
      maxRestarts,
    );
    console.log(`${verdict}: ${reason}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: cannot judge the container group: ${message}`);
    Deno.exit(2);
  }
}
