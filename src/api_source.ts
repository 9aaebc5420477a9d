/**
 * A source that reads the Service Tags from the Service Tag Discovery API
 * (`Microsoft.Network/locations/serviceTags`) in one subscription.
 *
 * The SDK returns the first page only. When the answer carries a `nextLink`,
 * the following pages are fetched through the client's own pipeline, so that
 * the bearer token, retries (429 and 5xx, honouring `Retry-After`) and the
 * run's deadline apply to them as to the first.
 *
 * @module
 */

import { NetworkManagementClient } from "@azure/arm-network";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type PipelineResponse,
  type PipelineRetryOptions,
  RestError,
} from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import type { AzureCloud } from "./azure_cloud.ts";
import { type AzureErrorContext, toAzureError } from "./azure_errors.ts";
import { sha256Hex } from "./content_hash.ts";
import { SnapshotFormatError } from "./errors.ts";
import type { Logger } from "./log.ts";
import { releaseMemory } from "./memory.ts";
import { type Source, type SourceDocument, sourceDocument } from "./source.ts";

/** Options of {@linkcode ApiSource}. */
export interface ApiSourceOptions {
  credential: TokenCredential;
  cloud: AzureCloud;
  subscription: string;
  /** Which region's rollout of the data to read; it does not filter. */
  location: string;
  /** Management endpoint URL instead of the cloud's; the token audience stays the cloud's. */
  armEndpoint?: string;
  logger: Logger;
  /** The SDK's retry settings for 429 and 5xx answers. */
  retryOptions?: PipelineRetryOptions;
}

/** One page of the answer, reduced to the fields the SDK's model keeps. */
interface Page {
  changeNumber?: unknown;
  cloud?: unknown;
  values: unknown[];
  nextLink?: string;
}

// A real answer has one page or a few; more means a loop on the server side.
const MAX_PAGES = 1000;

/** Reads Service Tags from the Service Tag Discovery API. */
export class ApiSource implements Source {
  readonly description: string;
  readonly #client: NetworkManagementClient;
  readonly #httpClient: HttpClient = createDefaultHttpClient();
  readonly #options: ApiSourceOptions;
  readonly #endpoint: URL;

  constructor(options: ApiSourceOptions) {
    this.#options = options;
    this.#endpoint = new URL(options.armEndpoint ?? options.cloud.armEndpoint);
    this.#client = new NetworkManagementClient(
      options.credential,
      options.subscription,
      {
        endpoint: this.#endpoint.href.replace(/\/$/, ""),
        credentials: { scopes: [options.cloud.armScope] },
        ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
      },
    );
    this.description =
      `Service Tag Discovery API at ${this.#endpoint.origin} (subscription ${options.subscription}, location ${options.location})`;
  }

  async read(signal?: AbortSignal): Promise<SourceDocument> {
    const pages = [await this.#firstPage(signal)];
    const seen = new Set<string>();
    for (let next = pages[0]?.nextLink; next; next = pages.at(-1)?.nextLink) {
      this.#checkNextLink(next, seen);
      seen.add(next);
      pages.push(await this.#nextPage(next, signal));
    }
    if (pages.length > 1) {
      this.#options.logger.info("Read a paged answer", {
        pages: pages.length,
      });
    }
    // The answer's text and the SDK's parsed copy are garbage by now.
    releaseMemory();
    const document = assemble(pages);
    return sourceDocument(
      await sha256Hex(new TextEncoder().encode(JSON.stringify(document))),
      () => Promise.resolve(document),
      (error) =>
        new SnapshotFormatError(
          `the Service Tag Discovery API's answer is not usable: ${error.message}`,
          { cause: error },
        ),
    );
  }

  async #firstPage(signal?: AbortSignal): Promise<Page> {
    let result: unknown;
    try {
      result = await this.#client.serviceTags.list(this.#options.location, {
        ...(signal ? { abortSignal: signal } : {}),
      });
    } catch (error) {
      throw toAzureError(error, this.#errorContext(signal));
    }
    return pickPage(result, "the first page");
  }

  async #nextPage(url: string, signal?: AbortSignal): Promise<Page> {
    const request = createPipelineRequest({
      url,
      method: "GET",
      headers: createHttpHeaders({ accept: "application/json" }),
      ...(signal ? { abortSignal: signal } : {}),
    });
    let body: unknown;
    try {
      const response = await this.#client.pipeline.sendRequest(
        this.#httpClient,
        request,
      );
      if (response.status !== 200) throw restErrorOf(response);
      body = parseBody(response.bodyAsText);
    } catch (error) {
      if (error instanceof SnapshotFormatError) throw error;
      throw toAzureError(error, this.#errorContext(signal));
    }
    return pickPage(body, `the page at ${withoutQuery(url)}`);
  }

  /** Sends the token only to the endpoint it is for, and never in a loop. */
  #checkNextLink(next: string, seen: Set<string>): void {
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      throw new SnapshotFormatError(
        `the Service Tag Discovery API answered with a nextLink that is not a URL: ${
          next.slice(0, 200)
        }`,
      );
    }
    if (url.origin !== this.#endpoint.origin) {
      throw new SnapshotFormatError(
        `the Service Tag Discovery API answered with a nextLink to ${url.origin}, not ${this.#endpoint.origin}; the job does not send its token there`,
      );
    }
    if (seen.has(next) || seen.size + 1 >= MAX_PAGES) {
      throw new SnapshotFormatError(
        `the Service Tag Discovery API kept answering with further pages (${
          seen.size + 1
        } so far, nextLink ${withoutQuery(next)}); giving up`,
      );
    }
  }

  #errorContext(signal?: AbortSignal): AzureErrorContext {
    const { subscription, location } = this.#options;
    return {
      action:
        `read the Service Tags for location ${location} from ${this.#endpoint.origin}`,
      permission:
        `Microsoft.Network/locations/serviceTags/read on the subscription ${subscription} (for example through a custom role assigned at subscription scope)`,
      notFound:
        `check the subscription id ${subscription} (--subscription or AZURE_SUBSCRIPTION_ID), the location ${location} (--location) and --arm-endpoint`,
      ...(signal ? { signal } : {}),
    };
  }
}

/** The document the pages make together. */
function assemble(pages: readonly Page[]): Page {
  const [first, ...rest] = pages as [Page, ...Page[]];
  for (const [index, page] of rest.entries()) {
    const differs = (field: "changeNumber" | "cloud") =>
      page[field] !== undefined && page[field] !== first[field];
    if (differs("changeNumber") || differs("cloud")) {
      throw new SnapshotFormatError(
        `page ${index + 2} of the Service Tag Discovery API's answer is of ${
          String(page.cloud)
        } changeNumber ${String(page.changeNumber)}, the first page of ${
          String(first.cloud)
        } changeNumber ${
          String(first.changeNumber)
        }; the data changed while it was read, run again`,
      );
    }
  }
  return {
    changeNumber: first.changeNumber,
    cloud: first.cloud,
    values: pages.flatMap((page) => page.values),
  };
}

/**
 * Keeps the fields of the SDK's `ServiceTagsListResult` model, so that a page
 * fetched directly reads exactly like the first one that the SDK read.
 */
function pickPage(document: unknown, where: string): Page {
  if (!isRecord(document) || !Array.isArray(document.values)) {
    throw new SnapshotFormatError(
      `the Service Tag Discovery API answered ${where} without a "values" array`,
    );
  }
  const nextLink = document.nextLink;
  if (
    nextLink !== undefined && nextLink !== null && typeof nextLink !== "string"
  ) {
    throw new SnapshotFormatError(
      `the Service Tag Discovery API answered ${where} with a nextLink that is not text`,
    );
  }
  return {
    changeNumber: document.changeNumber,
    cloud: document.cloud,
    values: document.values.map(pickTag),
    ...(typeof nextLink === "string" && nextLink !== "" ? { nextLink } : {}),
  };
}

function pickTag(value: unknown): unknown {
  if (!isRecord(value) || !isRecord(value.properties)) return value;
  const { changeNumber, region, systemService, addressPrefixes } =
    value.properties;
  return {
    name: value.name,
    id: value.id,
    properties: { changeNumber, region, systemService, addressPrefixes },
  };
}

function parseBody(text: string | null | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    throw new SnapshotFormatError(
      "the Service Tag Discovery API answered a page that is not JSON (it may have been cut off); run again",
    );
  }
}

/** A `RestError` for a page that was not answered with 200, with Azure's code. */
function restErrorOf(response: PipelineResponse): RestError {
  let code: string | undefined;
  let message = `Unexpected status code: ${response.status}`;
  try {
    const body = JSON.parse(response.bodyAsText ?? "");
    if (typeof body?.error?.code === "string") code = body.error.code;
    if (typeof body?.error?.message === "string") message = body.error.message;
  } catch {
    // Not JSON: the status and the request id say enough.
  }
  return new RestError(message, {
    statusCode: response.status,
    ...(code ? { code } : {}),
    response,
  });
}

function withoutQuery(url: string): string {
  return url.split("?")[0] ?? url;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
