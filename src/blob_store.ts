/**
 * A store in Azure Blob Storage, signed in with a token credential (no keys,
 * connection strings or SAS tokens), with the layout of the local store:
 *
 * ```text
 * servicetags/latest.json.gz                the current baseline
 * servicetags/archive/*.json.gz             one snapshot per distinct content
 * servicetags-report/*.json, *.md           one report pair per change
 * ```
 *
 * `latest.json.gz` carries the content hash, change number and cloud of the
 * snapshot it holds in its metadata, so that a run with nothing new makes a
 * single metadata read and downloads nothing. It is replaced last, with a
 * conditional write on the ETag read at the start of the run (If-None-Match
 * `*` on the first run): of two overlapping runs only one can advance it.
 *
 * Snapshots are labelled `application/gzip` without `Content-Encoding`: the
 * SDK's HTTP client would otherwise decompress them on download.
 *
 * @module
 */

import type { TokenCredential } from "@azure/identity";
import {
  type BlobDownloadResponseParsed,
  BlobServiceClient,
  type BlockBlobClient,
  type ContainerClient,
  type StorageRetryOptions,
} from "@azure/storage-blob";
import { isRestError, statusOf, toAzureError } from "./azure_errors.ts";
import { sha256Hex } from "./content_hash.ts";
import { SnapshotFormatError, StoreError } from "./errors.ts";
import type { Logger } from "./log.ts";
import { infoOf } from "./snapshot.ts";
import { decodeSnapshot } from "./snapshot_codec.ts";
import {
  type BaselineInfo,
  LATEST_NAME,
  type LatestEntry,
  type Store,
  type StoredItem,
  type StoreObject,
} from "./store.ts";

/** Options of {@linkcode BlobStore}. */
export interface BlobStoreOptions {
  credential: TokenCredential;
  /** The Blob service URL, `https://<account>.blob.core.windows.net` or Azurite's. */
  endpoint: string;
  snapshotContainer: string;
  reportContainer: string;
  /** Token scope for Blob Storage. */
  scope: string;
  logger: Logger;
  /** The storage SDK's retry settings (500, 503 and network errors). */
  retryOptions?: StorageRetryOptions;
}

/** Metadata names on `latest.json.gz` (Blob Storage keeps them lowercase). */
const METADATA = {
  sha256: "sha256",
  changeNumber: "changenumber",
  cloud: "cloud",
  documentSha256: "documentsha256",
  storedSha256: "storedsha256",
} as const;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The Blob Storage store. */
export class BlobStore implements Store {
  readonly description: string;
  readonly #endpoint: string;
  readonly #snapshots: ContainerClient;
  readonly #reports: ContainerClient;
  readonly #logger: Logger;
  /** `latest` as downloaded when its metadata was missing, by ETag. */
  #downloaded: { version: string; bytes: Uint8Array } | undefined;

  constructor(options: BlobStoreOptions) {
    const service = new BlobServiceClient(
      options.endpoint,
      options.credential,
      {
        audience: options.scope,
        ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
      },
    );
    this.#endpoint = service.url.replace(/\/$/, "");
    this.#snapshots = service.getContainerClient(options.snapshotContainer);
    this.#reports = service.getContainerClient(options.reportContainer);
    this.#logger = options.logger;
    this.description = `Blob Storage ${this.#endpoint}`;
  }

  async latest(signal?: AbortSignal): Promise<LatestEntry | null> {
    const blob = this.#snapshots.getBlockBlobClient(LATEST_NAME);
    let properties;
    try {
      properties = await blob.getProperties({ abortSignal: signal });
    } catch (error) {
      if (statusOf(error) === 404 && !isContainerMissing(error)) return null;
      throw this.#error(error, "read the metadata of", blob, signal);
    }

    const version = properties.etag ?? "";
    const info = infoFromMetadata(properties.metadata ?? {});
    if (info !== null) return { ...info, version };

    this.#logger.warn(
      "The baseline has no metadata; downloading it to learn what it holds",
      { blob: this.#key(this.#snapshots, LATEST_NAME) },
    );
    const bytes = await this.#download(blob, version, signal);
    this.#downloaded = { version, bytes };
    return { ...infoOf(await this.#decode(bytes)), version };
  }

  async readLatest(
    entry: LatestEntry,
    signal?: AbortSignal,
  ): Promise<Uint8Array> {
    if (this.#downloaded?.version === entry.version) {
      return this.#downloaded.bytes;
    }
    const blob = this.#snapshots.getBlockBlobClient(LATEST_NAME);
    return await this.#download(blob, entry.version, signal);
  }

  async putSnapshot(
    object: StoreObject,
    signal?: AbortSignal,
  ): Promise<StoredItem> {
    const blob = this.#snapshots.getBlockBlobClient(object.name);
    try {
      await this.#upload(blob, object, { ifNoneMatch: "*" }, {}, signal);
    } catch (error) {
      // Named after its content: the one already there holds the same bytes.
      if (!isAlreadyThere(error)) {
        throw this.#error(error, "write", blob, signal);
      }
    }
    return this.#item(this.#snapshots, object);
  }

  async putReport(
    object: StoreObject,
    signal?: AbortSignal,
  ): Promise<StoredItem> {
    const blob = this.#reports.getBlockBlobClient(object.name);
    try {
      await this.#upload(blob, object, {}, {}, signal);
    } catch (error) {
      throw this.#error(error, "write", blob, signal);
    }
    return this.#item(this.#reports, object);
  }

  async replaceLatest(
    object: StoreObject,
    info: BaselineInfo,
    expected: LatestEntry | null,
    signal?: AbortSignal,
  ): Promise<StoredItem | null> {
    const blob = this.#snapshots.getBlockBlobClient(LATEST_NAME);
    const condition = expected === null
      ? { ifNoneMatch: "*" }
      : { ifMatch: expected.version };
    const metadata = {
      ...metadataOf(info),
      [METADATA.storedSha256]: await sha256Hex(object.body),
    };
    try {
      await this.#upload(blob, object, condition, metadata, signal);
    } catch (error) {
      if (isAlreadyThere(error)) return null;
      throw this.#error(error, "replace", blob, signal);
    }
    return this.#item(this.#snapshots, object);
  }

  async #upload(
    blob: BlockBlobClient,
    object: StoreObject,
    conditions: { ifMatch?: string; ifNoneMatch?: string },
    metadata: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<void> {
    await blob.upload(object.body, object.body.length, {
      conditions,
      metadata,
      blobHTTPHeaders: { blobContentType: object.contentType },
      abortSignal: signal,
    });
  }

  async #download(
    blob: BlockBlobClient,
    version: string,
    signal?: AbortSignal,
  ): Promise<Uint8Array> {
    let response: BlobDownloadResponseParsed;
    try {
      response = await blob.download(0, undefined, {
        conditions: { ifMatch: version },
        abortSignal: signal,
      });
      return await readBody(response);
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || (status === 404 && !isContainerMissing(error))) {
        throw new StoreError(
          `the baseline ${
            this.#key(this.#snapshots, LATEST_NAME)
          } in ${this.description} changed while it was being read; run again`,
          { cause: error },
        );
      }
      throw this.#error(error, "read", blob, signal);
    }
  }

  async #decode(bytes: Uint8Array) {
    try {
      return await decodeSnapshot(bytes);
    } catch (error) {
      if (!(error instanceof SnapshotFormatError)) throw error;
      throw new StoreError(
        `the baseline ${
          this.#key(this.#snapshots, LATEST_NAME)
        } in ${this.description} is unreadable (${error.message}); restore it from an archived snapshot or an earlier version`,
        { cause: error },
      );
    }
  }

  #error(
    error: unknown,
    verb: string,
    blob: BlockBlobClient,
    signal?: AbortSignal,
  ): Error {
    const container = blob.containerName;
    return toAzureError(error, {
      action: `${verb} ${
        this.#key({ containerName: container }, blob.name)
      } in ${this.#endpoint}`,
      permission:
        `the role Storage Blob Data Contributor on the container ${container} of ${this.#endpoint}`,
      notFound:
        `the container ${container} does not exist in ${this.#endpoint}; the infrastructure creates it (the job has no right to)`,
      ...(signal ? { signal } : {}),
    });
  }

  #key(container: { containerName: string }, name: string): string {
    return `${container.containerName}/${name}`;
  }

  #item(container: ContainerClient, object: StoreObject): StoredItem {
    return {
      key: this.#key(container, object.name),
      bytes: object.body.length,
    };
  }
}

function metadataOf(info: BaselineInfo): Record<string, string> {
  // Metadata travels in HTTP headers, which carry ASCII only.
  return {
    [METADATA.sha256]: encodeURIComponent(info.sha256),
    [METADATA.changeNumber]: encodeURIComponent(info.changeNumber),
    [METADATA.cloud]: encodeURIComponent(info.cloud),
    ...(info.documentSha256 === undefined
      ? {}
      : { [METADATA.documentSha256]: info.documentSha256 }),
  };
}

function infoFromMetadata(
  metadata: Record<string, string>,
): (BaselineInfo & { storedSha256?: string }) | null {
  const read = (name: string) => {
    const raw = metadata[name];
    if (raw === undefined) return undefined;
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  };
  const sha256 = read(METADATA.sha256);
  const changeNumber = read(METADATA.changeNumber);
  const cloud = read(METADATA.cloud);
  if (
    sha256 === undefined || !SHA256_HEX.test(sha256) ||
    changeNumber === undefined || cloud === undefined
  ) {
    return null;
  }
  const documentSha256 = read(METADATA.documentSha256);
  const storedSha256 = read(METADATA.storedSha256);
  return {
    cloud,
    changeNumber,
    sha256,
    ...(documentSha256 !== undefined && SHA256_HEX.test(documentSha256)
      ? { documentSha256 }
      : {}),
    ...(storedSha256 !== undefined && SHA256_HEX.test(storedSha256)
      ? { storedSha256 }
      : {}),
  };
}

/** 409 for If-None-Match `*` on an existing blob, 412 for a stale If-Match. */
function isAlreadyThere(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 ||
    (status === 409 && codeOf(error) === "BlobAlreadyExists");
}

function isContainerMissing(error: unknown): boolean {
  return codeOf(error) === "ContainerNotFound";
}

function codeOf(error: unknown): string | undefined {
  if (!isRestError(error)) return undefined;
  return error.code ?? error.response?.headers.get("x-ms-error-code");
}

async function readBody(
  response: BlobDownloadResponseParsed,
): Promise<Uint8Array> {
  const stream = response.readableStreamBody;
  if (stream === undefined) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string"
      ? new TextEncoder().encode(chunk)
      : chunk as Uint8Array;
    chunks.push(bytes);
    length += bytes.length;
  }
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}
