/**
 * Access tokens for the local identity endpoint: JWT-shaped, unsigned, with
 * the claims Azurite checks (`iss` from sts.windows.net, `aud`, `iat`, `nbf`,
 * `exp`), and a random signature part so that every token can be searched
 * for in logs and stored files.
 *
 * @module
 */

import type { TokenCredential } from "@azure/identity";

/** Claims of a test token. */
export interface TokenClaims {
  iss: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  oid: string;
  appid: string;
}

/** The tenant of every test token. */
export const TEST_TENANT = "72f988bf-0000-4000-8000-000000000001";

/** Mints a token for `audience` (a resource URL without `/.default`). */
export function mintToken(
  audience: string,
  options: { clientId?: string; lifetimeS?: number } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const claims: TokenClaims = {
    iss: `https://sts.windows.net/${TEST_TENANT}/`,
    aud: audience,
    iat: now - 60,
    nbf: now - 60,
    exp: now + (options.lifetimeS ?? 3600),
    oid: "00000000-0000-4000-8000-00000000000a",
    appid: options.clientId ?? "00000000-0000-4000-8000-00000000000b",
  };
  const signature = crypto.getRandomValues(new Uint8Array(32));
  return [
    encode(JSON.stringify({ alg: "RS256", typ: "JWT" })),
    encode(JSON.stringify(claims)),
    encode(signature),
  ].join(".");
}

/** The claims of a token, or `null` when it is not JWT-shaped. */
export function readClaims(token: string): TokenClaims | null {
  const payload = token.split(".")[1];
  if (payload === undefined) return null;
  try {
    const base64 = payload.replaceAll("-", "+").replaceAll("_", "/");
    return JSON.parse(
      atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")),
    );
  } catch {
    return null;
  }
}

function encode(data: string | Uint8Array): string {
  const bytes = typeof data === "string"
    ? new TextEncoder().encode(data)
    : data;
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}

/**
 * A credential that mints a token for whatever scope the SDK asks, as a
 * real credential would get one; for tests that run the SDK in-process.
 */
export const mintingCredential: TokenCredential = {
  getToken: (scopes) => {
    const scope = Array.isArray(scopes) ? scopes[0] ?? "" : scopes;
    return Promise.resolve({
      token: mintToken(scope.replace(/\/\.default$/, "")),
      expiresOnTimestamp: Date.now() + 3_600_000,
    });
  },
};
