/**
 * IP address prefixes (CIDR ranges): validation, canonical text and order.
 *
 * @module
 */

/** A validated address prefix in canonical form. */
export interface Prefix {
  /** Canonical text: dotted IPv4, or IPv6 as RFC 5952 writes it, with `/length`. */
  readonly text: string;
  /** 4 or 6. */
  readonly family: 4 | 6;
  /**
   * Fixed-width key whose string order is the numeric order of the prefixes:
   * every IPv4 prefix before every IPv6 one, then by address, then by length.
   */
  readonly sortKey: string;
  /** Number of addresses an IPv4 prefix covers; 0 for IPv6. */
  readonly ipv4Addresses: number;
}

/** Result of {@linkcode parsePrefix}: the prefix, or why the text is not one. */
export type ParsedPrefix = { prefix: Prefix } | { problem: string };

const IPV4_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;
const LENGTH = /^(?:0|[1-9][0-9]{0,2})$/;

/**
 * Parses `address/length` (a bare address counts as a single host) into its
 * canonical form. Host bits must be zero, as Azure publishes them.
 */
export function parsePrefix(text: string): ParsedPrefix {
  const slash = text.indexOf("/");
  const address = slash === -1 ? text : text.slice(0, slash);
  const lengthText = slash === -1 ? undefined : text.slice(slash + 1);

  if (address.includes(":")) return parseIpv6(address, lengthText);
  return parseIpv4(address, lengthText);
}

/** Compares two prefixes in the order of {@linkcode Prefix.sortKey}. */
export function comparePrefixes(a: Prefix, b: Prefix): number {
  return a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0;
}

function parseLength(text: string | undefined, max: number): number | string {
  if (text === undefined) return max;
  if (!LENGTH.test(text)) return `prefix length "${text}" is not a number`;
  const length = Number(text);
  if (length > max) return `prefix length ${length} is larger than ${max}`;
  return length;
}

function parseIpv4(address: string, lengthText?: string): ParsedPrefix {
  const parts = address.split(".");
  if (parts.length !== 4) return { problem: "not an IPv4 or IPv6 address" };
  let value = 0;
  for (const part of parts) {
    if (!IPV4_OCTET.test(part) || Number(part) > 255) {
      return { problem: `IPv4 octet "${part}" is not a number from 0 to 255` };
    }
    value = value * 256 + Number(part);
  }

  const length = parseLength(lengthText, 32);
  if (typeof length === "string") return { problem: length };
  const size = 2 ** (32 - length);
  if (value % size !== 0) {
    return { problem: `host bits are set for a /${length} prefix` };
  }

  const hex = value.toString(16).padStart(8, "0");
  return {
    prefix: {
      text: `${parts.map(Number).join(".")}/${length}`,
      family: 4,
      sortKey: `4${hex}${length.toString().padStart(3, "0")}`,
      ipv4Addresses: size,
    },
  };
}

function parseIpv6(address: string, lengthText?: string): ParsedPrefix {
  const groups = parseIpv6Groups(address);
  if (typeof groups === "string") return { problem: groups };

  const length = parseLength(lengthText, 128);
  if (typeof length === "string") return { problem: length };
  if (!hostBitsClear(groups, length)) {
    return { problem: `host bits are set for a /${length} prefix` };
  }

  const hex = groups.map((g) => g.toString(16).padStart(4, "0")).join("");
  return {
    prefix: {
      text: `${formatIpv6(groups)}/${length}`,
      family: 6,
      sortKey: `6${hex}${length.toString().padStart(3, "0")}`,
      ipv4Addresses: 0,
    },
  };
}

function parseIpv6Groups(address: string): number[] | string {
  const halves = address.split("::");
  if (halves.length > 2) return `"::" appears more than once`;

  const head = splitGroups(halves[0] ?? "");
  const tail = halves.length === 2 ? splitGroups(halves[1] ?? "") : [];
  const all = [...head, ...tail];
  if (all.some((g) => !IPV6_GROUP.test(g))) {
    return "not a valid IPv6 address";
  }

  const missing = 8 - all.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) {
    return "an IPv6 address has eight groups";
  }
  const zeros = new Array<string>(halves.length === 2 ? missing : 0).fill("0");
  return [...head, ...zeros, ...tail].map((g) => parseInt(g, 16));
}

function splitGroups(text: string): string[] {
  return text === "" ? [] : text.split(":");
}

function hostBitsClear(groups: number[], length: number): boolean {
  for (let i = 0; i < 8; i++) {
    const networkBits = Math.min(16, Math.max(0, length - i * 16));
    const hostMask = networkBits === 16 ? 0 : 0xffff >> networkBits;
    if (((groups[i] ?? 0) & hostMask) !== 0) return false;
  }
  return true;
}

/** RFC 5952: lowercase, no leading zeros, the longest run of two or more zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }

  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}
