import assert from "node:assert/strict";
import {
  comparePrefixes,
  familyOf,
  ipv4AddressCount,
  parsePrefix,
  type Prefix,
  sortPrefixTexts,
} from "../src/prefix.ts";

function canonical(text: string): string {
  const parsed = parsePrefix(text);
  if (typeof parsed === "string") throw new Error(`${text}: ${parsed}`);
  return parsed.text;
}

function problemOf(text: string): string {
  const parsed = parsePrefix(text);
  assert.ok(typeof parsed === "string", `${text} should be rejected`);
  return parsed;
}

function prefix(text: string): Prefix {
  const parsed = parsePrefix(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

Deno.test("parsePrefix() keeps canonical IPv4 prefixes as they are", () => {
  for (
    const text of [
      "4.145.74.52/30",
      "0.0.0.0/0",
      "255.255.255.255/32",
      "10.0.0.0/8",
    ]
  ) {
    assert.equal(canonical(text), text);
  }
});

Deno.test("parsePrefix() reads a bare address as a single host", () => {
  assert.equal(canonical("13.87.32.30"), "13.87.32.30/32");
  assert.equal(canonical("2603:1000::1"), "2603:1000::1/128");
});

Deno.test("parsePrefix() writes IPv6 prefixes the way RFC 5952 does", () => {
  assert.equal(
    canonical("2603:1000:0004:0000:0000:0000:0000:0000/64"),
    "2603:1000:4::/64",
  );
  assert.equal(canonical("2603:1000:4:0:0:0:0:0/64"), "2603:1000:4::/64");
  assert.equal(canonical("2603:1000:4::/64"), "2603:1000:4::/64");
  assert.equal(canonical("20A1:0DB8::/32"), "20a1:db8::/32");
  // The first of two equally long zero runs is compressed, a single zero is not.
  assert.equal(canonical("2001:db8:0:0:1:0:0:1/128"), "2001:db8::1:0:0:1/128");
  assert.equal(
    canonical("2001:db8:0:1:1:1:1:1/128"),
    "2001:db8:0:1:1:1:1:1/128",
  );
  assert.equal(
    canonical("2001:db8::1:1:1:1:1/128"),
    "2001:db8:0:1:1:1:1:1/128",
  );
  assert.equal(canonical("::/0"), "::/0");
  assert.equal(canonical("0:0:0:0:0:0:0:0/0"), "::/0");
});

Deno.test("parsePrefix() rejects malformed prefixes with the reason", () => {
  assert.match(problemOf("10.0.0.256/24"), /not an IPv4 address/);
  assert.match(problemOf("10.0.0/24"), /not an IPv4 or IPv6 address/);
  assert.match(problemOf("10.0.0.01/32"), /not an IPv4 address/);
  assert.match(problemOf("10.0.0.0/33"), /larger than 32/);
  assert.match(problemOf("10.0.0.0/x"), /not a number/);
  assert.match(problemOf("10.0.0.0/"), /not a number/);
  assert.match(problemOf("2603::1::/64"), /"::" appears more than once/);
  assert.match(problemOf("2603:1000:4:0:0:0:0:0:0/64"), /eight groups/);
  assert.match(problemOf("2603:g::/64"), /not a hex digit/);
  assert.match(problemOf("2603::/129"), /larger than 128/);
  assert.match(problemOf(""), /not an IPv4 address/);
});

Deno.test("parsePrefix() rejects prefixes with host bits set", () => {
  assert.match(problemOf("10.0.0.1/24"), /host bits are set for a \/24 prefix/);
  assert.match(
    problemOf("2603:1000::1/64"),
    /host bits are set for a \/64 prefix/,
  );
  assert.match(problemOf("2603:1000:0:0:8000::/64"), /host bits/);
  assert.equal(
    canonical("2603:1000:0:0:8000::/65"),
    "2603:1000:0:0:8000::/65",
  );
});

Deno.test("ipv4AddressCount() counts the addresses of IPv4 prefixes only", () => {
  assert.equal(ipv4AddressCount("10.0.0.0/8"), 16_777_216);
  assert.equal(ipv4AddressCount("10.0.0.1/32"), 1);
  assert.equal(ipv4AddressCount("0.0.0.0/0"), 2 ** 32);
  assert.equal(ipv4AddressCount("2603::/16"), 0);
  assert.equal(familyOf("10.0.0.0/8"), 4);
  assert.equal(familyOf("2603:1000::/40"), 6);
});

Deno.test("sortPrefixTexts() sorts like comparePrefixes() and rejects what is no prefix", () => {
  assert.deepEqual(
    sortPrefixTexts(["2603::/16", "10.0.0.0/16", "9.0.0.0/8", "10.0.0.0/8"]),
    ["9.0.0.0/8", "10.0.0.0/8", "10.0.0.0/16", "2603::/16"],
  );
  assert.throws(() => sortPrefixTexts(["10.0.0.1/8"]), /host bits are set/);
});

Deno.test("comparePrefixes() orders IPv4 numerically, then IPv6, then by length", () => {
  const texts = [
    "2603:1000::/40",
    "9.160.80.24/30",
    "100.0.0.0/8",
    "13.66.143.220/30",
    "2603:1000::/24",
    "4.145.74.52/30",
    "::/0",
    "13.66.143.220/32",
  ];
  const sorted = texts.map(prefix).sort(comparePrefixes).map((p) => p.text);
  assert.deepEqual(sorted, [
    "4.145.74.52/30",
    "9.160.80.24/30",
    "13.66.143.220/30",
    "13.66.143.220/32",
    "100.0.0.0/8",
    "::/0",
    "2603:1000::/24",
    "2603:1000::/40",
  ]);
});
