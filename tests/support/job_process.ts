/**
 * Runs the job as a separate process, the way a person or a container runs
 * it, and collects what it printed.
 *
 * @module
 */

/** The flags of `deno task start`: a workstation run. */
export const START_FLAGS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-sys",
];

/** Path of the job's entry point. */
export const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** What a finished run left behind. */
export interface JobOutcome {
  code: number;
  stdout: string;
  stderr: string;
  /** The stderr lines that are JSON log records. */
  logs: Record<string, unknown>[];
}

/** Options of {@linkcode runJobProcess}. */
export interface JobProcessOptions {
  env?: Record<string, string>;
  flags?: readonly string[];
}

/** Starts the job with `args`; the caller waits for it or kills it. */
export function spawnJob(
  args: readonly string[],
  options: JobProcessOptions = {},
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...(options.flags ?? START_FLAGS), MAIN, ...args],
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs the job to the end. */
export async function runJobProcess(
  args: readonly string[],
  options: JobProcessOptions = {},
): Promise<JobOutcome> {
  return outcomeOf(await spawnJob(args, options).output());
}

/** Decodes a finished process's output. */
export function outcomeOf(output: Deno.CommandOutput): JobOutcome {
  const decoder = new TextDecoder();
  const stdout = decoder.decode(output.stdout);
  const stderr = decoder.decode(output.stderr);
  const logs = stderr.split("\n").filter((line) => line.startsWith("{")).map(
    (line) => JSON.parse(line),
  );
  return { code: output.code, stdout, stderr, logs };
}
