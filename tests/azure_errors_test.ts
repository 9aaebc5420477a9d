import assert from "node:assert/strict";
import {
  createHttpHeaders,
  createPipelineRequest,
  RestError,
} from "@azure/core-rest-pipeline";
import { type AzureErrorContext, toAzureError } from "../src/azure_errors.ts";
import { AzureRequestError } from "../src/errors.ts";

const context: AzureErrorContext = {
  action:
    "write servicetags/latest.json.gz in https://st.blob.core.windows.net",
  permission:
    "the role Storage Blob Data Contributor on the container servicetags",
  notFound: "the container servicetags does not exist",
};

function restError(
  status: number | undefined,
  options: { code?: string; message?: string; requestId?: string } = {},
): RestError {
  const request = createPipelineRequest({
    url: "https://st.blob.core.windows.net/servicetags/latest.json.gz",
    headers: createHttpHeaders({ authorization: "Bearer secret-token-value" }),
  });
  const headers = createHttpHeaders(
    options.requestId ? { "x-ms-request-id": options.requestId } : {},
  );
  return new RestError(options.message ?? "", {
    ...(status === undefined ? {} : { statusCode: status }),
    ...(options.code ? { code: options.code } : {}),
    request,
    ...(status === undefined ? {} : { response: { status, headers, request } }),
  });
}

function mapped(error: unknown, ctx = context): AzureRequestError {
  const result = toAzureError(error, ctx);
  assert.ok(result instanceof AzureRequestError, `got ${result}`);
  return result;
}

Deno.test("a 403 says which permission the identity needs, with the status and request id", () => {
  const error = mapped(
    restError(403, {
      code: "AuthorizationPermissionMismatch",
      message:
        "This request is not authorized to perform this operation using this permission.\nRequestId:abc\nTime:2026",
      requestId: "req-403",
    }),
  );
  assert.equal(
    error.message,
    "could not write servicetags/latest.json.gz in https://st.blob.core.windows.net (HTTP 403, AuthorizationPermissionMismatch, request id req-403): the identity needs the role Storage Blob Data Contributor on the container servicetags; Azure said: This request is not authorized to perform this operation using this permission.",
  );
  assert.equal(error.status, 403);
  assert.equal(error.requestId, "req-403");
});

Deno.test("a 403 AuthorizationFailure points at the account's network rules too", () => {
  const error = mapped(restError(403, { code: "AuthorizationFailure" }));
  assert.match(error.message, /network rules \(firewall, private endpoint\)/);
  assert.match(error.message, /Storage Blob Data Contributor/);
});

Deno.test("a 401 says the token was refused and what to check", () => {
  const error = mapped(restError(401, { code: "InvalidAuthenticationInfo" }));
  assert.match(error.message, /\(HTTP 401, InvalidAuthenticationInfo\)/);
  assert.match(error.message, /token was refused; check that --cloud/);
});

Deno.test("Storage's 403 AuthenticationFailed is about the token, not a role", () => {
  const error = mapped(restError(403, { code: "AuthenticationFailed" }));
  assert.match(error.message, /: the token was refused; check that --cloud/);
  assert.doesNotMatch(error.message, /Storage Blob Data Contributor/);
});

Deno.test("a 404 uses the caller's explanation", () => {
  const error = mapped(restError(404, { code: "ContainerNotFound" }));
  assert.match(
    error.message,
    /\(HTTP 404, ContainerNotFound\): the container servicetags does not exist$/,
  );
});

Deno.test("a 503 left after the SDK's retries says to run again later", () => {
  const error = mapped(restError(503, { code: "ServerBusy" }));
  assert.match(error.message, /Azure kept answering 503 after retries/);
});

Deno.test("the error code is read from x-ms-error-code when the body has none", () => {
  const request = createPipelineRequest({ url: "https://st/x" });
  const error = new RestError("", {
    statusCode: 403,
    response: {
      status: 403,
      request,
      headers: createHttpHeaders({
        "x-ms-error-code": "AuthorizationPermissionMismatch",
      }),
    },
  });
  assert.match(
    mapped(error).message,
    /\(HTTP 403, AuthorizationPermissionMismatch\)/,
  );
});

Deno.test("a failure without an answer keeps its cause on one line", () => {
  const error = mapped(
    restError(undefined, { message: "connect ECONNREFUSED\n127.0.0.1:1" }),
  );
  assert.equal(
    error.message,
    "could not write servicetags/latest.json.gz in https://st.blob.core.windows.net (no HTTP answer): connect ECONNREFUSED 127.0.0.1:1",
  );
  assert.equal(error.status, undefined);
});

Deno.test("the token in the failed request never reaches the message", () => {
  const error = mapped(restError(403, { message: "denied" }));
  assert.doesNotMatch(error.message, /secret-token-value/);
  assert.doesNotMatch(JSON.stringify(error), /secret-token-value/);
});

Deno.test("errors that are not from the SDK are wrapped, Azure errors pass through", () => {
  assert.match(
    mapped(new TypeError("fetch failed")).message,
    /^could not write .*: fetch failed$/,
  );
  const azure = new AzureRequestError("could not get a token");
  assert.equal(toAzureError(azure, context), azure);
});

Deno.test("the deadline's reason wins over the SDK's abort error", () => {
  const controller = new AbortController();
  const reason = new DOMException("deadline", "TimeoutError");
  controller.abort(reason);
  const result = toAzureError(new Error("The operation was aborted."), {
    ...context,
    signal: controller.signal,
  });
  assert.equal(result, reason);
});
