/**
 * Runs the job as a user does: `deno run src/main.ts` in its own process,
 * with only the environment the test gives it (plus what Deno needs to find
 * its cache), and returns its exit code, output and log records.
 *
 * @module
 */

/** A finished run of the job. */
export interface JobRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The JSON log lines on stderr, parsed. */
  logs: Record<string, unknown>[];
  /** The `--format json` document on stdout, when there is one. */
  result: Record<string, unknown> | undefined;
}

/** How to run the job. */
export interface JobOptions {
  args: readonly string[];
  env?: Record<string, string>;
  /** Permission flags for `deno run`. @default ["--allow-all"] */
  permissions?: readonly string[];
}

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** Variables passed through from the test's environment: Deno's cache and tools. */
const PASSED = ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"];

/** Starts the job; the caller waits for it or kills it. */
export function spawnJob(options: JobOptions): Deno.ChildProcess {
  const env: Record<string, string> = { RUST_BACKTRACE: "0", NO_COLOR: "1" };
  for (const name of PASSED) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...(options.permissions ?? ["--allow-all"]),
      MAIN,
      ...options.args,
    ],
    env: { ...env, ...options.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs the job to its end. */
export async function runJobProcess(options: JobOptions): Promise<JobRun> {
  return await finished(spawnJob(options));
}

/** Waits for a started job and reads what it printed. */
export async function finished(child: Deno.ChildProcess): Promise<JobRun> {
  const output = await child.output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  return {
    code: output.code,
    stdout,
    stderr,
    logs: parseLines(stderr),
    result: parseResult(stdout),
  };
}

function parseLines(text: string): Record<string, unknown>[] {
  return text.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}

function parseResult(text: string): Record<string, unknown> | undefined {
  const line = text.trim();
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
