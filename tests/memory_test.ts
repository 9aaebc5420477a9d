import assert from "node:assert/strict";
import { releaseMemory } from "../src/memory.ts";

Deno.test("releaseMemory() runs a collection when the runtime exposes gc()", () => {
  const global = globalThis as { gc?: () => void };
  const original = global.gc;
  let calls = 0;
  global.gc = () => calls++;
  try {
    releaseMemory();
  } finally {
    global.gc = original;
  }
  assert.equal(calls, 1);
});

Deno.test("releaseMemory() does nothing when gc() is not exposed", () => {
  const global = globalThis as { gc?: () => void };
  const original = global.gc;
  delete global.gc;
  try {
    assert.doesNotThrow(() => releaseMemory());
  } finally {
    if (original) global.gc = original;
  }
});

Deno.test("the start task exposes gc() to the job", () => {
  const config = JSON.parse(
    Deno.readTextFileSync(new URL("../deno.json", import.meta.url)),
  );
  for (const task of ["start", "compile"]) {
    assert.match(config.tasks[task], /--v8-flags=[^ ]*--expose-gc/, task);
  }
});
