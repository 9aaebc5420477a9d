/**
 * Azurite, the Blob Storage emulator, started by the tests over HTTPS with
 * `--oauth basic`, so that the job's token path runs for real: Azurite
 * checks each token's issuer, audience and lifetime. Each test gets its own
 * Azurite on a free port with its own data folder, so test files can run in
 * parallel.
 *
 * Azurite comes from npm, pinned, installed once into the cache folder (under
 * a lock, since parallel test files may ask at the same time).
 *
 * @module
 */

import { join } from "node:path";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { cacheRoot, withFileLock } from "./cache.ts";
import { mintingCredential } from "./jwt.ts";
import type { TestTls } from "./tls.ts";

/** The Azurite version the tests use; `.ci/run` installs the same. */
export const AZURITE_VERSION = "3.37.0";

/** Azurite's built-in account. */
const ACCOUNT = "devstoreaccount1";

const STARTUP_TIMEOUT_MS = 30_000;

/** A running Azurite. */
export interface Azurite {
  /** The Blob service URL, `https://127.0.0.1:PORT/devstoreaccount1`. */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The `azurite-blob` script, installed on first use. */
export async function azuriteBin(): Promise<string> {
  const prefix = join(cacheRoot(), `azurite-${AZURITE_VERSION}`);
  const bin = join(prefix, "node_modules", ".bin", "azurite-blob");
  if (await exists(bin)) return bin;

  await Deno.mkdir(cacheRoot(), { recursive: true });
  await withFileLock(`${prefix}.lock`, async () => {
    if (await exists(bin)) return;
    const output = await new Deno.Command("npm", {
      args: [
        "install",
        "--prefix",
        prefix,
        "--no-save",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `azurite@${AZURITE_VERSION}`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      throw new Error(
        `npm could not install azurite@${AZURITE_VERSION}: ${
          new TextDecoder().decode(output.stderr).slice(-1000)
        }`,
      );
    }
  });
  return bin;
}

/** Starts Azurite's Blob service on a free loopback port. */
export async function startAzurite(tls: TestTls): Promise<Azurite> {
  const bin = await azuriteBin();
  const location = await Deno.makeTempDir({ prefix: "azurite-" });
  const child = new Deno.Command(bin, {
    args: [
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      "0",
      "--location",
      location,
      "--silent",
      "--disableTelemetry",
      // The storage SDK sends a newer API version than Azurite knows.
      "--skipApiVersionCheck",
      "--oauth",
      "basic",
      "--cert",
      tls.certFile,
      "--key",
      tls.keyFile,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  const output = drain(child);
  let port: number;
  try {
    port = await output.port;
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    await output.done;
    await Deno.remove(location, { recursive: true });
    throw error;
  }

  return {
    endpoint: `https://127.0.0.1:${port}/${ACCOUNT}`,
    port,
    async close() {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await child.status;
      await output.done;
      await Deno.remove(location, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Reads Azurite's output until it says where it listens, then keeps reading
 * so that its pipes never fill up.
 */
function drain(child: Deno.ChildProcess) {
  let text = "";
  let settle: { resolve(port: number): void; reject(e: Error): void };
  const port = new Promise<number>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const timer = setTimeout(
    () =>
      settle.reject(
        new Error(`Azurite did not start in ${STARTUP_TIMEOUT_MS} ms: ${text}`),
      ),
    STARTUP_TIMEOUT_MS,
  );
  const read = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text = (text + chunk).slice(-4000);
      const match = /listens on https:\/\/127\.0\.0\.1:(\d+)/.exec(text);
      if (match) settle.resolve(Number(match[1]));
    }
  };
  const done = Promise.all([read(child.stdout), read(child.stderr)]).then(
    () => {
      clearTimeout(timer);
      settle.reject(new Error(`Azurite stopped: ${text}`));
    },
  );
  return { port, done };
}

/** A client for the test itself, signed in with a token minted here. */
export function adminClient(endpoint: string): BlobServiceClient {
  return new BlobServiceClient(endpoint, mintingCredential);
}

/** Creates containers, as the infrastructure does before the job runs. */
export async function createContainers(
  endpoint: string,
  names: readonly string[],
): Promise<void> {
  const client = adminClient(endpoint);
  for (const name of names) await client.getContainerClient(name).create();
}

/** One stored blob as the test sees it. */
export interface StoredBlob {
  name: string;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  metadata: Record<string, string>;
  etag: string;
}

/** Every blob of a container with its properties and metadata. */
export async function listBlobs(
  endpoint: string,
  container: string,
): Promise<StoredBlob[]> {
  const client = adminClient(endpoint).getContainerClient(container);
  const blobs: StoredBlob[] = [];
  for await (
    const blob of client.listBlobsFlat({ includeMetadata: true })
  ) {
    blobs.push({
      name: blob.name,
      contentType: blob.properties.contentType,
      contentEncoding: blob.properties.contentEncoding,
      metadata: blob.metadata ?? {},
      etag: blob.properties.etag,
    });
  }
  return blobs.sort((a, b) => a.name < b.name ? -1 : 1);
}

/** The bytes of one blob, exactly as stored. */
export async function readBlob(
  endpoint: string,
  container: string,
  name: string,
): Promise<Uint8Array> {
  const blob = containerClient(endpoint, container).getBlobClient(name);
  return new Uint8Array(await blob.downloadToBuffer());
}

/** A container client of the admin client. */
export function containerClient(
  endpoint: string,
  container: string,
): ContainerClient {
  return adminClient(endpoint).getContainerClient(container);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
