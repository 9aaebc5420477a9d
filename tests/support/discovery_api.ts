/**
 * A local HTTPS stand-in for the Service Tag Discovery API. It serves real
 * weekly files converted to the API's shape (changeNumbers as text; no
 * `regionId`, `platform` or `networkFeatures`), pages its answer with
 * `nextLink` when asked to, answers 503 or 429 with `Retry-After`, or 403
 * like Resource Manager does for an identity without the right role. It
 * checks the bearer token's audience, as Resource Manager does.
 *
 * @module
 */

import { readClaims } from "./jwt.ts";
import type { TestTls } from "./tls.ts";

/** The Discovery API's answer for one cloud. */
export interface ApiDocument {
  name: string;
  id: string;
  type: string;
  changeNumber: string;
  cloud: string;
  values: ApiTag[];
}

/** One tag in the API's shape. */
export interface ApiTag {
  name: string;
  id: string;
  serviceTagChangeNumber: string;
  properties: {
    changeNumber: string;
    region: string;
    systemService: string;
    addressPrefixes: string[];
  };
}

/** How the stand-in answers; tests change it between runs. */
export interface ApiBehaviour {
  /** What to serve. */
  document: ApiDocument;
  /** Tags per page; no paging when unset. */
  pageSize?: number;
  /** Answer this many requests with `failStatus` first. */
  failures?: number;
  /** @default 503 */
  failStatus?: 429 | 503;
  /** Answer this many requests normally before the failures start. */
  failAfter?: number;
  /** Refuse every request as Resource Manager refuses a missing role. */
  forbidden?: boolean;
  /** Origin put into nextLinks instead of the stand-in's own. */
  nextLinkOrigin?: string;
}

/** A running stand-in. */
export interface DiscoveryApi {
  /** The value for `--arm-endpoint`. */
  readonly url: string;
  behaviour: ApiBehaviour;
  /** One entry per request: status answered and its request id. */
  readonly log: { path: string; status: number; requestId: string }[];
  close(): Promise<void>;
}

/** The token audience Resource Manager in the public cloud accepts. */
export const ARM_AUDIENCE = "https://management.azure.com";

/** Starts the stand-in on a free loopback port. */
export function startDiscoveryApi(
  tls: TestTls,
  subscription: string,
  behaviour: ApiBehaviour,
): DiscoveryApi {
  const log: DiscoveryApi["log"] = [];
  const state = { behaviour };
  let origin = "";
  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      cert: tls.cert,
      key: tls.key,
      onListen: () => {},
    },
    (request) => {
      const response = answer(request, subscription, state.behaviour, origin);
      const requestId = crypto.randomUUID();
      response.headers.set("x-ms-request-id", requestId);
      log.push({
        path: new URL(request.url).pathname,
        status: response.status,
        requestId,
      });
      return response;
    },
  );
  origin = `https://127.0.0.1:${server.addr.port}`;
  return {
    url: origin,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(next: ApiBehaviour) {
      state.behaviour = next;
    },
    log,
    close: () => server.shutdown(),
  };
}

function answer(
  request: Request,
  subscription: string,
  behaviour: ApiBehaviour,
  origin: string,
): Response {
  const url = new URL(request.url);
  const match =
    /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Network\/locations\/([^/]+)\/serviceTags$/
      .exec(url.pathname);
  if (!match || !url.searchParams.get("api-version")) {
    return armError(404, "NotFound", `no route for ${url.pathname}`);
  }
  const denied = checkToken(request);
  if (denied) return denied;
  if (match[1] !== subscription) {
    return armError(
      404,
      "SubscriptionNotFound",
      `The subscription '${match[1]}' could not be found.`,
    );
  }
  if (behaviour.forbidden) {
    return armError(
      403,
      "AuthorizationFailed",
      `The client '00000000-0000-4000-8000-00000000000a' with object id '00000000-0000-4000-8000-00000000000a' does not have authorization to perform action 'Microsoft.Network/locations/serviceTags/read' over scope '/subscriptions/${subscription}' or the scope is invalid.`,
    );
  }
  if ((behaviour.failAfter ?? 0) > 0) {
    behaviour.failAfter = (behaviour.failAfter ?? 0) - 1;
  } else if ((behaviour.failures ?? 0) > 0) {
    behaviour.failures = (behaviour.failures ?? 0) - 1;
    const status = behaviour.failStatus ?? 503;
    const response = armError(
      status,
      status === 429 ? "TooManyRequests" : "ServiceUnavailable",
      "Try again later.",
    );
    response.headers.set("retry-after", "1");
    return response;
  }
  return Response.json(
    page(url, behaviour, behaviour.nextLinkOrigin ?? origin),
  );
}

function page(url: URL, behaviour: ApiBehaviour, origin: string): unknown {
  const { document, pageSize } = behaviour;
  if (pageSize === undefined) return document;

  const skip = Number(url.searchParams.get("$skipToken") ?? "0");
  const values = document.values.slice(skip, skip + pageSize);
  const rest = skip + pageSize < document.values.length;
  const next = new URL(url.pathname, origin);
  next.searchParams.set("api-version", url.searchParams.get("api-version")!);
  next.searchParams.set("$skipToken", String(skip + pageSize));
  return {
    ...document,
    values,
    ...(rest ? { nextLink: next.href } : {}),
  };
}

function checkToken(request: Request): Response | null {
  const header = request.headers.get("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7) : "";
  const claims = readClaims(token);
  if (claims === null) {
    return armError(
      401,
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing.",
    );
  }
  if (claims.aud.replace(/\/$/, "") !== ARM_AUDIENCE) {
    return armError(
      401,
      "InvalidAuthenticationToken",
      `The access token has an invalid audience '${claims.aud}'.`,
    );
  }
  return null;
}

function armError(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/** Converts a weekly download file into the Discovery API's answer. */
export function toApiDocument(
  download: {
    changeNumber: number | string;
    cloud: string;
    values: {
      name: string;
      id: string;
      properties: {
        changeNumber: number | string;
        region: string;
        systemService: string;
        addressPrefixes: string[];
      };
    }[];
  },
  subscription: string,
): ApiDocument {
  return {
    name: download.cloud,
    id:
      `/subscriptions/${subscription}/providers/Microsoft.Network/serviceTags/${download.cloud}`,
    type: "Microsoft.Network/serviceTags",
    changeNumber: String(download.changeNumber),
    cloud: download.cloud,
    values: download.values.map((tag) => ({
      name: tag.name,
      id: tag.id,
      serviceTagChangeNumber: String(tag.properties.changeNumber),
      properties: {
        changeNumber: String(tag.properties.changeNumber),
        region: tag.properties.region,
        systemService: tag.properties.systemService,
        addressPrefixes: tag.properties.addressPrefixes,
      },
    })),
  };
}

/** Reads a weekly file from disk into the API's shape. */
export async function readApiDocument(
  path: string,
  subscription: string,
): Promise<ApiDocument> {
  const text = await Deno.readTextFile(path);
  return toApiDocument(JSON.parse(text.replace(/^\uFEFF/, "")), subscription);
}
