/**
 * The entry point: parse the command line, build the source and the store,
 * run the check once, print the result and choose the exit code.
 *
 * @module
 */

import config from "../deno.json" with { type: "json" };
import { helpText, parseCli } from "./cli.ts";
import { exitCodeOf } from "./errors.ts";
import { SERVICE_TAGS_CHECK_FAILED } from "./events.ts";
import { runJob } from "./job.ts";
import { createLogger, type Logger } from "./log.ts";
import {
  formatJsonFailure,
  formatJsonResult,
  formatTextResult,
} from "./output.ts";
import { createSource, createStore } from "./setup.ts";

/** The version printed by `--version`, from `deno.json`. */
export const VERSION: string = config.version;

/** Runs the command line and returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  let logger = createLogger();
  let format: "text" | "json" = "text";
  let verbose = false;
  try {
    const options = parseCli(args);
    format = options.format;
    verbose = options.verbose;
    logger = createLogger({ verbose });
    if (options.help) return print(`${helpText(VERSION)}\n`);
    if (options.version) return print(`servicetags-checker ${VERSION}\n`);

    const signal = AbortSignal.timeout(options.timeoutMs);
    const source = await createSource(options, logger);
    const store = await createStore(options, logger);
    const result = await runJob({
      source,
      store,
      logger,
      only: options.only,
      acceptLargeChange: options.acceptLargeChange,
      dryRun: options.dryRun,
      signal,
    });
    return print(
      format === "json" ? formatJsonResult(result) : formatTextResult(result),
    );
  } catch (error) {
    return fail(error, { logger, format, verbose });
  }
}

function fail(
  error: unknown,
  context: { logger: Logger; format: "text" | "json"; verbose: boolean },
): number {
  const failure = asError(error);
  const exitCode = exitCodeOf(failure);
  context.logger.error(failure.message, {
    event: SERVICE_TAGS_CHECK_FAILED,
    error: failure.name,
    exitCode,
    ...("status" in failure && failure.status !== undefined
      ? { status: failure.status }
      : {}),
    ...("requestId" in failure && failure.requestId !== undefined
      ? { requestId: failure.requestId }
      : {}),
    ...(context.verbose ? { stack: failure.stack } : {}),
  });
  if (context.format === "json") print(formatJsonFailure(failure, exitCode));
  return exitCode;
}

function asError(error: unknown): Error {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return Object.assign(
      new Error("the run did not finish before its deadline (--timeout)", {
        cause: error,
      }),
      { name: "TimeoutError" },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

const encoder = new TextEncoder();

function print(text: string): number {
  const bytes = encoder.encode(text);
  let written = 0;
  while (written < bytes.length) {
    written += Deno.stdout.writeSync(bytes.subarray(written));
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
