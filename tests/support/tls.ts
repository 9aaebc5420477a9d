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
 * Trust is added, never replaced: the file the tests point
 * `NODE_EXTRA_CA_CERTS` at holds the certificate followed by whatever that
 * variable named before (on machines behind a TLS-inspecting proxy, the
 * proxy's authority, which npm and Deno need to reach the registry).
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
  /** The value for `NODE_EXTRA_CA_CERTS`: the certificate and earlier trust. */
  trustFile: string;
}

// The variable's value before the tests changed it, kept process-wide since
// test files that share the process each run this module.
const ORIGINAL_TRUST = "SERVICETAGS_TEST_ORIGINAL_EXTRA_CA_CERTS";

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
  const trustFile = join(folder, "trust.pem");
  await withFileLock(join(folder, "lock"), async () => {
    if (!(await isFresh(certFile) && await isFresh(keyFile))) {
      await makeCertificate(certFile, keyFile);
    }
    await writeTrust(trustFile, certFile, originalTrust());
  });
  Deno.env.set("NODE_EXTRA_CA_CERTS", trustFile);
  return {
    certFile,
    keyFile,
    cert: await Deno.readTextFile(certFile),
    key: await Deno.readTextFile(keyFile),
    trustFile,
  };
}

function originalTrust(): string | undefined {
  if (Deno.env.get(ORIGINAL_TRUST) === undefined) {
    Deno.env.set(ORIGINAL_TRUST, Deno.env.get("NODE_EXTRA_CA_CERTS") ?? "");
  }
  return Deno.env.get(ORIGINAL_TRUST) || undefined;
}

/** Writes the certificate and the earlier trust into one file, atomically. */
async function writeTrust(
  trustFile: string,
  certFile: string,
  earlier: string | undefined,
) {
  const parts = [await Deno.readTextFile(certFile)];
  if (earlier !== undefined && earlier !== trustFile) {
    parts.push(await Deno.readTextFile(earlier).catch(() => ""));
  }
  await Deno.writeTextFile(`${trustFile}.new`, parts.join("\n"));
  await Deno.rename(`${trustFile}.new`, trustFile);
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
