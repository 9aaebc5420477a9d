/**
 * The TLS certificate of the local stand-ins for Azure (Azurite, the
 * Discovery API, the Blob proxy). The SDKs send bearer tokens over HTTPS
 * only, so every stand-in that receives one speaks HTTPS.
 *
 * One certificate serves every test file: Deno reads `NODE_EXTRA_CA_CERTS`
 * once per process, when the first TLS connection is made, and test files
 * share the process. It is made with openssl into the cache folder and
 * renewed once a day.
 *
 * @module
 */

import { join } from "node:path";
import { cacheRoot, withFileLock } from "./cache.ts";

/** Paths and text of the test certificate and its key. */
export interface TestTls {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

const RENEW_AFTER_MS = 24 * 60 * 60 * 1000;

let prepared: Promise<TestTls> | undefined;

/**
 * Makes the certificate when needed and trusts it in this process (for
 * `fetch` and `node:https`). Child processes need `NODE_EXTRA_CA_CERTS`.
 */
export function testTls(): Promise<TestTls> {
  prepared ??= prepare();
  return prepared;
}

async function prepare(): Promise<TestTls> {
  const folder = join(cacheRoot(), "test-tls");
  const certFile = join(folder, "cert.pem");
  const keyFile = join(folder, "key.pem");
  await Deno.mkdir(folder, { recursive: true });
  await withFileLock(join(folder, "lock"), async () => {
    if (await isFresh(certFile) && await isFresh(keyFile)) return;
    await makeCertificate(certFile, keyFile);
  });
  Deno.env.set("NODE_EXTRA_CA_CERTS", certFile);
  return {
    certFile,
    keyFile,
    cert: await Deno.readTextFile(certFile),
    key: await Deno.readTextFile(keyFile),
  };
}

async function isFresh(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return (info.mtime?.getTime() ?? 0) > Date.now() - RENEW_AFTER_MS;
  } catch {
    return false;
  }
}

async function makeCertificate(certFile: string, keyFile: string) {
  // Deno refuses a self-signed certificate that is marked as a CA.
  const output = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "7",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-keyout",
      `${keyFile}.new`,
      "-out",
      `${certFile}.new`,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `openssl could not make the test certificate: ${
        new TextDecoder().decode(output.stderr)
      }`,
    );
  }
  await Deno.rename(`${keyFile}.new`, keyFile);
  await Deno.rename(`${certFile}.new`, certFile);
}
