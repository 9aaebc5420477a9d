/**
 * Turns failures of Azure SDK calls into one-line {@linkcode AzureRequestError}s
 * that say what was being done, the HTTP status, Azure's error code and
 * request id, and what to do: for a refused request, the permission the
 * identity lacks and where it needs it.
 *
 * Only the error's status, code, message and response headers are read: an
 * SDK error also carries the request, whose headers hold the bearer token.
 *
 * @module
 */

import { AzureRequestError } from "./errors.ts";

/** What a failed call was doing, for its error message. */
export interface AzureErrorContext {
  /** What could not be done: `read servicetags/latest.json.gz in https://...`. */
  action: string;
  /** What the identity needs when Azure answers 403. */
  permission: string;
  /** What to do when Azure answers 404, when a 404 is not an answer the caller expects. */
  notFound?: string;
  /** The run's deadline: when it fired, its reason is thrown instead. */
  signal?: AbortSignal;
}

/** The parts of an SDK `RestError` that are safe to read. */
interface RestErrorLike {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
  response?: { headers: { get(name: string): string | undefined } };
}

// Long enough for Azure's explanations, short enough for one log line.
const MAX_DETAIL = 300;

/** Whether a thrown value is an Azure SDK `RestError` (from any copy of the SDK). */
export function isRestError(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === "RestError";
}

/** The HTTP status of an SDK error, when it had a response. */
export function statusOf(error: unknown): number | undefined {
  return isRestError(error) ? error.statusCode : undefined;
}

/**
 * Maps a failure of an Azure call to the error the job reports.
 *
 * Errors that are already {@linkcode AzureRequestError}s (a credential
 * failure inside the SDK's pipeline) pass through, and so does the reason of
 * an aborted deadline, so that the run reports its timeout.
 */
export function toAzureError(
  error: unknown,
  context: AzureErrorContext,
): Error {
  if (context.signal?.aborted) return asError(context.signal.reason);
  if (error instanceof AzureRequestError) return error;
  if (!isRestError(error)) {
    return new AzureRequestError(
      `could not ${context.action}: ${oneLine(messageOf(error))}`,
      { cause: error },
    );
  }

  const status = error.statusCode;
  const code = error.code ?? error.response?.headers.get("x-ms-error-code");
  const requestId = error.response?.headers.get("x-ms-request-id");
  const answer = [
    status === undefined ? "no HTTP answer" : `HTTP ${status}`,
    code,
    requestId === undefined ? undefined : `request id ${requestId}`,
  ].filter((part) => part !== undefined && part !== "").join(", ");
  const advice = adviceFor(status, code, error.message, context);
  return new AzureRequestError(
    `could not ${context.action} (${answer}): ${advice}`,
    { status, requestId, cause: error },
  );
}

function adviceFor(
  status: number | undefined,
  code: string | undefined,
  message: string,
  context: AzureErrorContext,
): string {
  const said = detail(message);
  // Storage answers 403 AuthenticationFailed to a token it cannot accept.
  if (status === 401 || (status === 403 && code === "AuthenticationFailed")) {
    return `the token was refused; check that --cloud is the cloud of the resource and that the identity belongs to its tenant${said}`;
  }
  if (status === 403 && code === "AuthorizationFailure") {
    return `the request was refused; check the storage account's network rules (firewall, private endpoint) and that the identity has ${context.permission}${said}`;
  }
  if (status === 403) {
    return `the identity needs ${context.permission}${said}`;
  }
  if (status === 404 && context.notFound !== undefined) {
    return `${context.notFound}${said}`;
  }
  if (status === 429 || (status !== undefined && status >= 500)) {
    return `Azure kept answering ${status} after retries; run again later${said}`;
  }
  if (status === undefined) {
    return oneLine(message) || "the request failed without an answer";
  }
  return said === "" ? "the request failed" : said.slice(2);
}

/** `; Azure said: "..."` with the first line of Azure's message, or nothing. */
function detail(message: string): string {
  const text = oneLine(message.split("\n")[0] ?? "");
  if (text === "" || text.startsWith("Unexpected status code")) return "";
  const short = text.length > MAX_DETAIL
    ? `${text.slice(0, MAX_DETAIL)}...`
    : text;
  return `; Azure said: ${short}`;
}

/** Collapses whitespace so that a message stays on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
