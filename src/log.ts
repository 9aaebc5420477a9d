/**
 * A small structured logger. Off a terminal it writes one JSON object per
 * line (what Log Analytics and `jq` read); on a terminal, short readable
 * lines. It always writes to stderr, so stdout stays for the run's result.
 *
 * @module
 */

/** Severity of a log record. `debug` is shown only with `--verbose`. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Extra data of a log record. `event` names records that alerts match. */
export type LogFields = Record<string, unknown> & { event?: string };

/** What the job logs through; tests pass a recorder. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Options of {@linkcode createLogger}. */
export interface LoggerOptions {
  /** Show `debug` records. @default false */
  verbose?: boolean;
  /** Write JSON lines instead of readable lines. @default !stderr.isTerminal() */
  json?: boolean;
  /** Where lines go. @default synchronous writes to stderr */
  write?: (line: string) => void;
  /** The clock. @default () => new Date() */
  now?: () => Date;
}

const LEVEL_ORDER: Record<LogLevel, number> = {
  debug: 0,
  info: 1,
  warn: 2,
  error: 3,
};

// Field names whose values are never written, wherever they appear.
const SECRET_FIELD = /token|secret|password|authorization|signature|sas/i;

/** Creates the logger for a run. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const minimum = options.verbose ? LEVEL_ORDER.debug : LEVEL_ORDER.info;
  const json = options.json ?? !Deno.stderr.isTerminal();
  const write = options.write ?? writeStderr;
  const now = options.now ?? (() => new Date());

  const log = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (LEVEL_ORDER[level] < minimum) return;
    const time = now();
    const safe = redact(fields);
    write(
      json
        ? JSON.stringify({ time: time.toISOString(), level, message, ...safe })
        : readableLine(time, level, message, safe),
    );
  };

  return {
    debug: (message, fields) => log("debug", message, fields),
    info: (message, fields) => log("info", message, fields),
    warn: (message, fields) => log("warn", message, fields),
    error: (message, fields) => log("error", message, fields),
  };
}

function readableLine(
  time: Date,
  level: LogLevel,
  message: string,
  fields: Record<string, unknown>,
): string {
  const clock = time.toISOString().slice(11, 19);
  const details = Object.entries(fields)
    .filter(([key]) => key !== "event")
    .map(([key, value]) =>
      `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`
    );
  return [clock, level.toUpperCase().padEnd(5), message, ...details].join(" ");
}

function redact(fields: LogFields): Record<string, unknown> {
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    safe[key] = SECRET_FIELD.test(key) ? "[redacted]" : value;
  }
  return safe;
}

const encoder = new TextEncoder();

function writeStderr(line: string): void {
  const bytes = encoder.encode(`${line}\n`);
  let written = 0;
  while (written < bytes.length) {
    written += Deno.stderr.writeSync(bytes.subarray(written));
  }
}
