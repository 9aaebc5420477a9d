/**
 * The credential the job signs in to Azure with, and the patience it needs
 * at start-up: the identity endpoint of a new container instance can come up
 * seconds after the process, and the SDK gives up on it after about five.
 *
 * - In Azure: the user-assigned managed identity whose client id is in
 *   `AZURE_CLIENT_ID` (or a system-assigned one, with
 *   `AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential`). Getting the first
 *   token is retried with exponential backoff until `--identity-timeout`.
 * - Elsewhere: `DefaultAzureCredential`, for example after `az login`,
 *   tried once, since a missing sign-in does not fix itself.
 *
 * @module
 */

import {
  type AccessToken,
  DefaultAzureCredential,
  type GetTokenOptions,
  ManagedIdentityCredential,
  type TokenCredential,
} from "@azure/identity";
import type { AzureCloud } from "./azure_cloud.ts";
import { oneLine } from "./azure_errors.ts";
import { AzureRequestError } from "./errors.ts";
import type { Logger } from "./log.ts";

/** Which credential the environment asks for. */
export type CredentialChoice =
  | { kind: "managed-identity"; clientId?: string }
  | { kind: "default" };

/** Options of {@linkcode createCredential}. */
export interface CredentialOptions {
  cloud: AzureCloud;
  logger: Logger;
  /** How long to keep retrying the first token (`--identity-timeout`). */
  identityTimeoutMs: number;
  /** The run's deadline. */
  signal?: AbortSignal;
  /** @default Deno.env.get */
  env?: (name: string) => string | undefined;
}

// Variables that make DefaultAzureCredential sign in as a service principal
// or a workload identity: with any of them, AZURE_CLIENT_ID names that
// application, not a managed identity.
const APPLICATION_VARIABLES = [
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "AZURE_FEDERATED_TOKEN_FILE",
  "AZURE_USERNAME",
];

const FIRST_RETRY_DELAY_MS = 1_000;
const MAX_RETRY_DELAY_MS = 30_000;

/** Picks the credential from the environment; see the module notes. */
export function chooseCredential(
  env: (name: string) => string | undefined,
): CredentialChoice {
  const clientId = nonEmpty(env("AZURE_CLIENT_ID"));
  const only = nonEmpty(env("AZURE_TOKEN_CREDENTIALS"))?.toLowerCase();
  if (only === "managedidentitycredential") {
    return clientId === undefined
      ? { kind: "managed-identity" }
      : { kind: "managed-identity", clientId };
  }
  const application = APPLICATION_VARIABLES.some((name) =>
    nonEmpty(env(name)) !== undefined
  );
  if (clientId !== undefined && !application) {
    return { kind: "managed-identity", clientId };
  }
  return { kind: "default" };
}

/** Words for logs and error messages; never a secret. */
export function describeCredential(choice: CredentialChoice): string {
  if (choice.kind === "default") return "DefaultAzureCredential";
  return choice.clientId === undefined
    ? "the system-assigned managed identity"
    : `the managed identity with client id ${choice.clientId}`;
}

/** Builds the credential the environment asks for, wrapped for start-up retries. */
export function createCredential(options: CredentialOptions): TokenCredential {
  const choice = chooseCredential(options.env ?? ((n) => Deno.env.get(n)));
  const inner = choice.kind === "managed-identity"
    ? new ManagedIdentityCredential(
      choice.clientId === undefined ? {} : { clientId: choice.clientId },
    )
    : new DefaultAzureCredential({
      authorityHost: options.cloud.authorityHost,
    });
  options.logger.debug("Signing in", {
    credential: describeCredential(choice),
  });
  return new FirstTokenRetry(inner, {
    description: describeCredential(choice),
    retryForMs: choice.kind === "managed-identity"
      ? options.identityTimeoutMs
      : 0,
    hint: choice.kind === "managed-identity"
      ? "check that the identity is assigned to this container instance or VM"
      : "on a workstation, sign in with az login; in Azure, set AZURE_CLIENT_ID to the managed identity's client id",
    logger: options.logger,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Options of {@linkcode FirstTokenRetry}. */
export interface FirstTokenRetryOptions {
  /** The credential, for messages. */
  description: string;
  /** How long to keep trying until the first token arrives; 0 tries once. */
  retryForMs: number;
  /** What to do when no token came, for the final error message. */
  hint: string;
  logger: Logger;
  /** The run's deadline. */
  signal?: AbortSignal;
  /** Waits between attempts; tests pass a fake. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock. @default performance.now */
  now?: () => number;
}

/**
 * Wraps a credential so that getting the first token is retried with
 * exponential backoff (1 s, 2 s, 4 s, ... at most 30 s apart) until a
 * deadline, logging each retry at warn with its attempt number. Once a token
 * came, calls go straight through: later failures are not about start-up.
 */
export class FirstTokenRetry implements TokenCredential {
  readonly #inner: TokenCredential;
  readonly #options: FirstTokenRetryOptions;
  #signedIn = false;

  constructor(inner: TokenCredential, options: FirstTokenRetryOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  async getToken(
    scopes: string | string[],
    options: GetTokenOptions = {},
  ): Promise<AccessToken | null> {
    if (this.#signedIn) return await this.#inner.getToken(scopes, options);

    const { logger, retryForMs } = this.#options;
    const now = this.#options.now ?? (() => performance.now());
    const sleep = this.#options.sleep ?? sleepFor;
    // The SDK passes the request's own AbortSignal, typed as its interface.
    const request = options.abortSignal as AbortSignal | undefined;
    const signal = anySignal(request, this.#options.signal);
    const start = now();
    let delay = FIRST_RETRY_DELAY_MS;
    for (let attempt = 1;; attempt++) {
      try {
        const token = await this.#inner.getToken(scopes, options);
        if (token === null) throw new Error("the credential returned no token");
        this.#signedIn = true;
        if (attempt > 1) {
          logger.info("Got the first token", {
            credential: this.#options.description,
            attempts: attempt,
          });
        }
        return token;
      } catch (error) {
        signal?.throwIfAborted();
        const elapsed = now() - start;
        if (elapsed + delay > retryForMs) {
          throw this.#failure(scopes, attempt, error);
        }
        logger.warn("Could not get a token yet; retrying", {
          credential: this.#options.description,
          attempt,
          retryInMs: delay,
          reason: oneLine(messageOf(error)).slice(0, 300),
        });
        await sleep(delay, signal);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
      }
    }
  }

  #failure(
    scopes: string | string[],
    attempts: number,
    error: unknown,
  ): AzureRequestError {
    const scope = Array.isArray(scopes) ? scopes.join(" ") : scopes;
    const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
    return new AzureRequestError(
      `could not get a token for ${scope} from ${this.#options.description}${tries}: ${
        oneLine(messageOf(error)).slice(0, 500)
      }; ${this.#options.hint}`,
      { cause: error },
    );
  }
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}

function anySignal(
  ...signals: (AbortSignal | undefined)[]
): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
