/**
 * A local managed-identity endpoint in the style of the instance metadata
 * service, reached through `AZURE_POD_IDENTITY_AUTHORITY_HOST`. It can come
 * up late, like the identity endpoint of a new container instance: until
 * then, connections to its port are refused.
 *
 * @module
 */

import { mintToken } from "./jwt.ts";

/** Options of {@linkcode startImds}. */
export interface ImdsOptions {
  /** Start listening only after this long. @default 0 */
  delayMs?: number;
  /** Answer only for this client id (a user-assigned identity). */
  clientId?: string;
}

/** A running identity endpoint. */
export interface Imds {
  /** The value for `AZURE_POD_IDENTITY_AUTHORITY_HOST`. */
  readonly url: string;
  /** Every token handed out, to search for in outputs. */
  readonly tokens: string[];
  /** Token requests answered, by resource. */
  readonly requests: string[];
  /** Resolves once the endpoint listens. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Starts the endpoint on a free loopback port. */
export function startImds(options: ImdsOptions = {}): Imds {
  const port = freePort();
  const tokens: string[] = [];
  const requests: string[] = [];
  let server: Deno.HttpServer | undefined;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const ready = new Promise<void>((resolve) => {
    const listen = () => {
      if (closed) return resolve();
      server = Deno.serve(
        { hostname: "127.0.0.1", port, onListen: () => resolve() },
        (request) => answer(request, options, tokens, requests),
      );
    };
    if (options.delayMs) timer = setTimeout(listen, options.delayMs);
    else listen();
  });

  return {
    url: `http://127.0.0.1:${port}`,
    tokens,
    requests,
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      await server?.shutdown();
    },
  };
}

function answer(
  request: Request,
  options: ImdsOptions,
  tokens: string[],
  requests: string[],
): Response {
  const url = new URL(request.url);
  if (!url.pathname.startsWith("/metadata/identity/oauth2/token")) {
    return Response.json({ error: "not_found" }, { status: 404 });
  }
  if (request.headers.get("metadata") !== "true") {
    return Response.json(
      {
        error: "invalid_request",
        error_description: "Required metadata header not specified",
      },
      { status: 400 },
    );
  }
  const resource = url.searchParams.get("resource") ?? "";
  const clientId = url.searchParams.get("client_id") ?? undefined;
  if (options.clientId !== undefined && clientId !== options.clientId) {
    return Response.json(
      { error: "invalid_request", error_description: "Identity not found" },
      { status: 400 },
    );
  }

  const token = mintToken(resource.replace(/\/$/, ""), { clientId });
  tokens.push(token);
  requests.push(resource);
  const now = Math.floor(Date.now() / 1000);
  return Response.json({
    access_token: token,
    client_id: clientId ?? "",
    expires_in: "3599",
    expires_on: String(now + 3599),
    ext_expires_in: "3599",
    not_before: String(now),
    resource,
    token_type: "Bearer",
  });
}

/** A loopback port that nothing listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
