/**
 * Keeps the job's peak memory near what it really holds. A weekly Public
 * snapshot is about 4 MB of JSON that parses into tens of megabytes of
 * short-lived objects; V8 would otherwise keep them until the heap grows.
 *
 * @module
 */

/**
 * Runs a full garbage collection when the runtime exposes one (the job's
 * tasks and binary pass `--v8-flags=--expose-gc`); does nothing otherwise.
 * Called between the phases of a run, after a large document is dropped.
 */
export function releaseMemory(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
