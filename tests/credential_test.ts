import assert from "node:assert/strict";
import type { AccessToken, TokenCredential } from "@azure/identity";
import {
  chooseCredential,
  describeCredential,
  FirstTokenRetry,
  type FirstTokenRetryOptions,
} from "../src/credential.ts";
import { AzureRequestError } from "../src/errors.ts";
import { RecordingLogger } from "./support/recording_logger.ts";

const envOf = (values: Record<string, string>) => (name: string) =>
  values[name];

Deno.test("chooseCredential() uses the managed identity named by AZURE_CLIENT_ID", () => {
  assert.deepEqual(chooseCredential(envOf({ AZURE_CLIENT_ID: "abc" })), {
    kind: "managed-identity",
    clientId: "abc",
  });
});

Deno.test("chooseCredential() uses DefaultAzureCredential on a workstation", () => {
  assert.deepEqual(chooseCredential(envOf({})), { kind: "default" });
});

Deno.test("chooseCredential() leaves a service principal's AZURE_CLIENT_ID to DefaultAzureCredential", () => {
  for (
    const extra of [
      "AZURE_CLIENT_SECRET",
      "AZURE_CLIENT_CERTIFICATE_PATH",
      "AZURE_FEDERATED_TOKEN_FILE",
      "AZURE_USERNAME",
    ]
  ) {
    assert.deepEqual(
      chooseCredential(envOf({ AZURE_CLIENT_ID: "abc", [extra]: "x" })),
      { kind: "default" },
      extra,
    );
  }
});

Deno.test("chooseCredential() honours AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential", () => {
  assert.deepEqual(
    chooseCredential(
      envOf({ AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential" }),
    ),
    { kind: "managed-identity" },
  );
  assert.equal(
    describeCredential({ kind: "managed-identity" }),
    "the system-assigned managed identity",
  );
});

/** A credential that fails `failures` times, then hands out tokens. */
class FlakyCredential implements TokenCredential {
  calls = 0;
  constructor(private failures: number) {}
  getToken(): Promise<AccessToken> {
    this.calls++;
    if (this.calls <= this.failures) {
      return Promise.reject(
        new Error("ManagedIdentityCredential: Network unreachable."),
      );
    }
    return Promise.resolve({ token: "t", expiresOnTimestamp: 1 });
  }
}

/** A fake clock that sleeping advances. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    advance: (ms: number) => (now += ms),
  };
}

function retrying(
  inner: TokenCredential,
  logger: RecordingLogger,
  time: ReturnType<typeof fakeTime>,
  options: Partial<FirstTokenRetryOptions> = {},
) {
  return new FirstTokenRetry(inner, {
    description: "the managed identity with client id abc",
    retryForMs: 180_000,
    hint: "check the identity",
    logger,
    sleep: time.sleep,
    now: time.now,
    ...options,
  });
}

Deno.test("the first token is retried with exponential backoff, each retry logged at warn", async () => {
  const inner = new FlakyCredential(4);
  const logger = new RecordingLogger();
  const time = fakeTime();

  const token = await retrying(inner, logger, time).getToken("scope");

  assert.equal(token?.token, "t");
  assert.equal(inner.calls, 5);
  assert.deepEqual(time.sleeps, [1000, 2000, 4000, 8000]);
  const warnings = logger.records.filter((r) => r.level === "warn");
  assert.deepEqual(warnings.map((r) => r.fields.attempt), [1, 2, 3, 4]);
  assert.equal(warnings[0]?.message, "Could not get a token yet; retrying");
  assert.match(String(warnings[0]?.fields.reason), /Network unreachable/);
});

Deno.test("the backoff stops growing at 30 s", async () => {
  const time = fakeTime();
  await retrying(new FlakyCredential(7), new RecordingLogger(), time)
    .getToken("scope");
  assert.deepEqual(time.sleeps, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
});

Deno.test("no token before the deadline is an AzureRequestError that says what to check", async () => {
  const inner = new FlakyCredential(1000);
  const time = fakeTime();
  const credential = retrying(inner, new RecordingLogger(), time, {
    retryForMs: 10_000,
  });

  await assert.rejects(
    () => credential.getToken("https://management.azure.com/.default"),
    (error: unknown) => {
      assert.ok(error instanceof AzureRequestError);
      assert.equal(
        error.message,
        "could not get a token for https://management.azure.com/.default from the managed identity with client id abc after 4 attempts: ManagedIdentityCredential: Network unreachable.; check the identity",
      );
      return true;
    },
  );
  // 1 + 2 + 4 s waited; one more 8 s wait would pass the 10 s deadline.
  assert.deepEqual(time.sleeps, [1000, 2000, 4000]);
});

Deno.test("a retry window of 0 tries once", async () => {
  const inner = new FlakyCredential(1);
  const logger = new RecordingLogger();
  await assert.rejects(
    () => retrying(inner, logger, fakeTime(), { retryForMs: 0 }).getToken("s"),
    /could not get a token for s from .*: ManagedIdentityCredential: Network unreachable/,
  );
  assert.equal(inner.calls, 1);
  assert.equal(logger.records.length, 0);
});

Deno.test("after the first token, failures are not retried", async () => {
  const inner = new FlakyCredential(0);
  const time = fakeTime();
  const credential = retrying(inner, new RecordingLogger(), time);
  await credential.getToken("scope");

  inner.calls = 0;
  inner["failures"] = 10;
  await assert.rejects(() => credential.getToken("scope"), /unreachable/);
  assert.equal(inner.calls, 1);
  assert.deepEqual(time.sleeps, []);
});

Deno.test("the run's deadline ends the retries at once", async () => {
  const controller = new AbortController();
  const inner = new FlakyCredential(1000);
  const credential = new FirstTokenRetry(inner, {
    description: "mi",
    retryForMs: 180_000,
    hint: "",
    logger: new RecordingLogger(),
    signal: controller.signal,
  });
  const pending = credential.getToken("scope");
  setTimeout(
    () => controller.abort(new DOMException("late", "TimeoutError")),
    50,
  );
  await assert.rejects(() => pending, (error: unknown) => {
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, "TimeoutError");
    return true;
  });
  assert.equal(inner.calls, 1);
});
