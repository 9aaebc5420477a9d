/**
 * An HTTPS proxy in front of Azurite that counts what goes through it (the
 * bench's blob bytes read and written) and lets a test step in on chosen
 * requests: refuse one as Azure refuses a missing role, hold requests until
 * several arrived (two runs racing), or never answer one (a run killed in
 * the middle).
 *
 * @module
 */

import type { TestTls } from "./tls.ts";

/** One request that went through the proxy. */
export interface ProxiedRequest {
  method: string;
  /** Path below the account, e.g. `/servicetags/latest.json.gz`. */
  path: string;
  status: number;
  requestBytes: number;
  responseBytes: number;
}

/**
 * Decides how to answer a request: `forward()` sends it on to Azurite.
 * Return its promise, a response of your own, or wait first.
 */
export type Interceptor = (
  request: ProxiedRequestInfo,
  forward: () => Promise<Response>,
) => Promise<Response>;

/** What an interceptor sees of a request. */
export interface ProxiedRequestInfo {
  method: string;
  path: string;
}

/** A running proxy. */
export interface BlobProxy {
  /** The Blob service URL to give the job (`--blob-endpoint`). */
  readonly endpoint: string;
  readonly requests: ProxiedRequest[];
  intercept: Interceptor | undefined;
  /** A promise that settles only when the proxy closes (with a 503). */
  never(): Promise<Response>;
  close(): Promise<void>;
}

/** Starts a proxy to Azurite's Blob service at `upstream`. */
export function startBlobProxy(tls: TestTls, upstream: string): BlobProxy {
  const target = new URL(upstream);
  const account = target.pathname.replace(/\/$/, "");
  const requests: ProxiedRequest[] = [];
  const closing = new AbortController();
  const state: { intercept: Interceptor | undefined } = {
    intercept: undefined,
  };
  // Trust the test certificate explicitly: this process may have made its
  // first TLS connection before NODE_EXTRA_CA_CERTS named the certificate.
  const client = Deno.createHttpClient({ caCerts: [tls.cert] });

  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      cert: tls.cert,
      key: tls.key,
      onListen: () => {},
    },
    async (request) => {
      const url = new URL(request.url);
      const body = request.body ? await request.bytes() : undefined;
      const path = url.pathname.startsWith(account)
        ? url.pathname.slice(account.length)
        : url.pathname;
      const forward = () => forwardTo(client, target, { url, request, body });
      const response = state.intercept
        ? await state.intercept({ method: request.method, path }, forward)
        : await forward();
      const responseBody = request.method === "HEAD"
        ? new Uint8Array(0)
        : await response.bytes();
      requests.push({
        method: request.method,
        path,
        status: response.status,
        requestBytes: body?.length ?? 0,
        responseBytes: responseBody.length,
      });
      return new Response(
        request.method === "HEAD" ? null : responseBody,
        { status: response.status, headers: response.headers },
      );
    },
  );

  return {
    endpoint: `https://127.0.0.1:${server.addr.port}${account}`,
    requests,
    get intercept() {
      return state.intercept;
    },
    set intercept(next: Interceptor | undefined) {
      state.intercept = next;
    },
    never() {
      return new Promise((resolve) =>
        closing.signal.addEventListener(
          "abort",
          () => resolve(new Response("closing", { status: 503 })),
          { once: true },
        )
      );
    },
    async close() {
      closing.abort();
      await server.shutdown();
      client.close();
    },
  };
}

async function forwardTo(
  client: Deno.HttpClient,
  target: URL,
  incoming: {
    url: URL;
    request: Request;
    body: Uint8Array<ArrayBuffer> | undefined;
  },
): Promise<Response> {
  const { url, request, body } = incoming;
  const headers = new Headers(request.headers);
  for (const name of ["host", "content-length", "connection"]) {
    headers.delete(name);
  }
  const upstream = await fetch(
    new URL(`${url.pathname}${url.search}`, target.origin),
    {
      method: request.method,
      headers,
      ...(body ? { body } : {}),
      redirect: "manual",
      client,
    },
  );
  const responseHeaders = new Headers(upstream.headers);
  for (const name of ["content-length", "connection", "transfer-encoding"]) {
    responseHeaders.delete(name);
  }
  return new Response(upstream.body, {
    status: upstream.status,
    headers: responseHeaders,
  });
}

/**
 * An interceptor that holds the requests it matches until `count` of them
 * arrived (or `timeoutMs` passed), then forwards them all at once.
 */
export function barrier(
  matches: (request: ProxiedRequestInfo) => boolean,
  count: number,
  timeoutMs = 30_000,
): Interceptor {
  const waiting: (() => void)[] = [];
  let open = false;
  const release = () => {
    open = true;
    for (const go of waiting.splice(0)) go();
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  return async (request, forward) => {
    if (open || !matches(request)) return await forward();
    const gate = new Promise<void>((resolve) => waiting.push(resolve));
    if (waiting.length >= count) {
      clearTimeout(timer);
      release();
    } else if (timer === undefined) {
      timer = setTimeout(release, timeoutMs);
    }
    await gate;
    return await forward();
  };
}
