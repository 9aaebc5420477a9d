/**
 * IP address prefixes (CIDR ranges): validation, canonical text and order.
 *
 * A weekly snapshot has about 95,000 prefixes, so the parser scans character
 * codes instead of splitting strings, and keeps the address as four 32-bit
 * words that compare as numbers.
 *
 * @module
 */

/** A validated address prefix in canonical form. */
export interface Prefix {
  /** Canonical text: dotted IPv4, or IPv6 as RFC 5952 writes it, with `/length`. */
  readonly text: string;
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** The address as four big-endian 32-bit words; IPv4 uses only `w0`. */
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  /** Prefix length in bits. */
  readonly length: number;
}

/**
 * Result of {@linkcode parsePrefix}: the prefix, or a sentence saying why the
 * text is not one (a plain string keeps the hot path free of wrappers).
 */
export type ParsedPrefix = Prefix | string;

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_DOT = 46;
const CHAR_COLON = 58;

/**
 * Parses `address/length` (a bare address counts as a single host) into its
 * canonical form. Host bits must be zero, as Azure publishes them.
 */
export function parsePrefix(text: string): ParsedPrefix {
  const slash = text.indexOf("/");
  const end = slash === -1 ? text.length : slash;
  const isIpv6 = text.lastIndexOf(":", end) !== -1;
  const max = isIpv6 ? 128 : 32;

  const length = slash === -1 ? max : parseLength(text, slash + 1);
  if (typeof length === "string") return length;
  if (length > max) {
    return `prefix length ${length} is larger than ${max}`;
  }
  return isIpv6 ? parseIpv6(text, end, length) : parseIpv4(text, end, length);
}

/** Orders prefixes: every IPv4 before every IPv6, then by address, then length. */
export function comparePrefixes(a: Prefix, b: Prefix): number {
  return a.family - b.family || a.w0 - b.w0 || a.w1 - b.w1 ||
    a.w2 - b.w2 || a.w3 - b.w3 || a.length - b.length;
}

/** 4 or 6, from a prefix's canonical text. */
export function familyOf(text: string): 4 | 6 {
  return text.includes(":") ? 6 : 4;
}

/** Number of addresses a canonical IPv4 prefix covers; 0 for IPv6. */
export function ipv4AddressCount(text: string): number {
  if (familyOf(text) === 6) return 0;
  return 2 ** (32 - Number(text.slice(text.indexOf("/") + 1)));
}

/**
 * Sorts canonical prefix texts into the order of {@linkcode comparePrefixes}.
 *
 * @throws {Error} when a text is not a valid prefix.
 */
export function sortPrefixTexts(texts: readonly string[]): string[] {
  return texts.map(prefixOf).sort(comparePrefixes).map((p) => p.text);
}

/**
 * Parses a prefix known to be valid, such as one of a normalized snapshot.
 *
 * @throws {Error} when it is not valid after all.
 */
export function prefixOf(text: string): Prefix {
  const parsed = parsePrefix(text);
  if (typeof parsed === "string") {
    throw new Error(`invalid address prefix "${text}": ${parsed}`);
  }
  return parsed;
}

function parseLength(text: string, start: number): number | string {
  const digits = text.length - start;
  if (digits < 1 || digits > 3) {
    return `prefix length "${text.slice(start)}" is not a number`;
  }
  let value = 0;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (
      code < CHAR_0 || code > CHAR_9 ||
      (i === start && code === CHAR_0 && digits > 1)
    ) {
      return `prefix length "${text.slice(start)}" is not a number`;
    }
    value = value * 10 + code - CHAR_0;
  }
  return value;
}

function parseIpv4(text: string, end: number, length: number): ParsedPrefix {
  let address = 0;
  let octets = 0;
  let start = 0;
  for (let i = 0; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== CHAR_DOT) continue;
    const octet = parseOctet(text, start, i);
    if (octet < 0) {
      return `"${
        text.slice(0, end)
      }" is not an IPv4 address (four numbers from 0 to 255)`;
    }
    address = address * 256 + octet;
    octets++;
    start = i + 1;
  }
  if (octets !== 4) {
    return `"${text.slice(0, end)}" is not an IPv4 or IPv6 address`;
  }

  const size = 2 ** (32 - length);
  if (address % size !== 0) {
    return `host bits are set for a /${length} prefix`;
  }
  const canonical = end === text.length ? `${text}/${length}` : text;
  return {
    text: canonical,
    family: 4,
    w0: address,
    w1: 0,
    w2: 0,
    w3: 0,
    length,
  };
}

/** Decimal 0-255 without leading zeros, or -1. */
function parseOctet(text: string, start: number, end: number): number {
  const digits = end - start;
  if (digits < 1 || digits > 3) return -1;
  if (digits > 1 && text.charCodeAt(start) === CHAR_0) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < CHAR_0 || code > CHAR_9) return -1;
    value = value * 10 + code - CHAR_0;
  }
  return value <= 255 ? value : -1;
}

function parseIpv6(text: string, end: number, length: number): ParsedPrefix {
  const scan = scanIpv6(text, end);
  if (typeof scan === "string") {
    return `"${text.slice(0, end)}" is not an IPv6 address: ${scan}`;
  }

  const g = scan.groups;
  const w0 = g[0] * 0x10000 + g[1];
  const w1 = g[2] * 0x10000 + g[3];
  const w2 = g[4] * 0x10000 + g[5];
  const w3 = g[6] * 0x10000 + g[7];
  if (!hostBitsClear([w0, w1, w2, w3], length)) {
    return `host bits are set for a /${length} prefix`;
  }
  // Azure's text is nearly always canonical already; rebuild it only if not.
  const address = isCanonicalIpv6(scan) ? text.slice(0, end) : formatIpv6(g);
  return {
    text: `${address}/${length}`,
    family: 6,
    w0,
    w1,
    w2,
    w3,
    length,
  };
}

interface Ipv6Scan {
  /** The eight 16-bit groups. */
  groups: [number, number, number, number, number, number, number, number];
  /** Where `::` stood (index of the first group it replaced), or -1. */
  gapStart: number;
  /** How many zero groups `::` replaced. */
  gapLength: number;
  /** Whether the text used only lowercase digits without leading zeros. */
  plain: boolean;
}

/** Reads the groups of an IPv6 address, or says what is wrong. */
function scanIpv6(text: string, end: number): Ipv6Scan | string {
  const read: number[] = [];
  let gapAt = -1;
  let plain = true;
  let i = 0;
  if (text.charCodeAt(0) === CHAR_COLON && text.charCodeAt(1) === CHAR_COLON) {
    gapAt = 0;
    i = 2;
  }

  while (i < end) {
    let value = 0;
    const start = i;
    for (; i < end && text.charCodeAt(i) !== CHAR_COLON; i++) {
      const code = text.charCodeAt(i);
      const digit = hexValue(code);
      if (digit < 0) return `"${text[i]}" is not a hex digit`;
      if (code >= 65 && code <= 70) plain = false;
      value = value * 16 + digit;
    }
    const digits = i - start;
    if (digits < 1 || digits > 4) {
      return "each group has one to four hex digits";
    }
    if (digits > 1 && text.charCodeAt(start) === CHAR_0) plain = false;
    if (read.length === 8) return "an IPv6 address has eight groups";
    read.push(value);
    if (i >= end) break;
    i++;
    if (text.charCodeAt(i) === CHAR_COLON) {
      if (gapAt !== -1) return `"::" appears more than once`;
      gapAt = read.length;
      i++;
    } else if (i >= end) {
      return "it ends with a single colon";
    }
  }

  const gapLength = 8 - read.length;
  if (gapAt === -1 ? gapLength !== 0 : gapLength < 1) {
    return "an IPv6 address has eight groups";
  }
  const groups = new Array<number>(8).fill(0) as Ipv6Scan["groups"];
  for (let k = 0; k < read.length; k++) {
    const at = gapAt !== -1 && k >= gapAt ? k + gapLength : k;
    groups[at] = read[k] as number;
  }
  return {
    groups,
    gapStart: gapAt,
    gapLength: gapAt === -1 ? 0 : gapLength,
    plain,
  };
}

/** RFC 5952 asks for the first longest run of two or more zero groups as `::`. */
function longestZeroRun(groups: readonly number[]): [number, number] {
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
  return [bestStart, bestStart === -1 ? 0 : bestLength];
}

function isCanonicalIpv6(scan: Ipv6Scan): boolean {
  if (!scan.plain) return false;
  const [start, length] = longestZeroRun(scan.groups);
  return start === scan.gapStart && length === scan.gapLength;
}

function hexValue(code: number): number {
  if (code >= CHAR_0 && code <= CHAR_9) return code - CHAR_0;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

function hostBitsClear(words: number[], length: number): boolean {
  for (let i = 0; i < 4; i++) {
    const networkBits = Math.min(32, Math.max(0, length - i * 32));
    const hostSize = 2 ** (32 - networkBits);
    if ((words[i] ?? 0) % hostSize !== 0) return false;
  }
  return true;
}

/** RFC 5952: lowercase, no leading zeros, the first longest zero run as `::`. */
function formatIpv6(groups: readonly number[]): string {
  const [start, length] = longestZeroRun(groups);
  const hex = groups.map((g) => g.toString(16));
  if (start === -1) return hex.join(":");
  return `${hex.slice(0, start).join(":")}::${
    hex.slice(start + length).join(":")
  }`;
}
