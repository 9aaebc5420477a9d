/**
 * The few error types the job raises on purpose. Each one decides the exit
 * code; anything else is an unexpected failure (exit code 1).
 *
 * @module
 */

/** Exit code of a run that failed while working: source, store or guard. */
export const EXIT_FAILURE = 1;

/** Exit code of a usage or input error: bad flag, bad value, bad source file. */
export const EXIT_USAGE = 2;

/** A flag, environment variable or configuration value is wrong. */
export class UsageError extends Error {
  override name = "UsageError";
  readonly exitCode = EXIT_USAGE;
}

/** The input the user pointed at (a source file) is missing or malformed. */
export class InputError extends Error {
  override name = "InputError";
  readonly exitCode = EXIT_USAGE;
}

/** A Service Tags document does not have the expected shape or content. */
export class SnapshotFormatError extends Error {
  override name = "SnapshotFormatError";
  readonly exitCode = EXIT_FAILURE;
}

/** The new snapshot would remove too much; the baseline was kept. */
export class GuardError extends Error {
  override name = "GuardError";
  readonly exitCode = EXIT_FAILURE;
}

/** Reading from or writing to the store failed. */
export class StoreError extends Error {
  override name = "StoreError";
  readonly exitCode = EXIT_FAILURE;
}

/** Details an Azure request error carries for the person reading the log. */
export interface AzureRequestErrorDetails {
  /** HTTP status of the failed response, when there was one. */
  status?: number;
  /** The `x-ms-request-id` of the failed response, for support requests. */
  requestId?: string;
  /** The original error. */
  cause?: unknown;
}

/** A request to Azure (management, identity or storage) failed. */
export class AzureRequestError extends Error {
  override name = "AzureRequestError";
  readonly exitCode = EXIT_FAILURE;
  readonly status: number | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, details: AzureRequestErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.status = details.status;
    this.requestId = details.requestId;
  }
}

/** The exit code that a thrown value should end the process with. */
export function exitCodeOf(error: unknown): number {
  if (
    error instanceof Error && "exitCode" in error &&
    typeof error.exitCode === "number"
  ) {
    return error.exitCode;
  }
  return EXIT_FAILURE;
}
