/**
 * A logger that keeps its records, for tests that check what a run logged.
 *
 * @module
 */

import type { LogFields, Logger, LogLevel } from "../../src/log.ts";

/** One record kept by {@linkcode RecordingLogger}. */
export interface LogRecord {
  level: LogLevel;
  message: string;
  fields: LogFields;
}

/** Keeps every record in memory. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];

  debug(message: string, fields: LogFields = {}) {
    this.records.push({ level: "debug", message, fields });
  }
  info(message: string, fields: LogFields = {}) {
    this.records.push({ level: "info", message, fields });
  }
  warn(message: string, fields: LogFields = {}) {
    this.records.push({ level: "warn", message, fields });
  }
  error(message: string, fields: LogFields = {}) {
    this.records.push({ level: "error", message, fields });
  }

  /** The event names logged, in order. */
  events(): string[] {
    return this.records.flatMap((r) => r.fields.event ? [r.fields.event] : []);
  }
}
