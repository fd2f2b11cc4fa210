// Punycode (RFC 3492) decoding and origin display helpers: the renderer runs in a browser and cannot import node:punycode.

const BASE = 36;
const TMIN = 1;
const TMAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;

function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  let d = firstTime ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / numPoints);
  let k = 0;
  while (d > ((BASE - TMIN) * TMAX) >> 1) {
    d = Math.floor(d / (BASE - TMIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - TMIN + 1) * d) / (d + SKEW));
}

function digitOf(cp: number): number {
  if (cp >= 0x30 && cp <= 0x39) return cp - 22; // '0'..'9' → 26..35
  if (cp >= 0x41 && cp <= 0x5a) return cp - 0x41; // 'A'..'Z'
  if (cp >= 0x61 && cp <= 0x7a) return cp - 0x61; // 'a'..'z'
  return BASE;
}

/** Decodes one Punycode label (without the `xn--` prefix). Throws on malformed input. */
export function punycodeDecode(input: string): string {
  const output: number[] = [];
  const basicEnd = input.lastIndexOf('-');
  for (let j = 0; j < Math.max(basicEnd, 0); j++) {
    const cp = input.charCodeAt(j);
    if (cp >= 0x80) throw new Error('punycode: non-basic code point before delimiter');
    output.push(cp);
  }
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  for (let idx = basicEnd > 0 ? basicEnd + 1 : 0; idx < input.length; ) {
    const oldi = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (idx >= input.length) throw new Error('punycode: truncated input');
      const digit = digitOf(input.charCodeAt(idx++));
      if (digit >= BASE) throw new Error('punycode: bad digit');
      if (digit > Math.floor((0x7fffffff - i) / w)) throw new Error('punycode: overflow');
      i += digit * w;
      const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
      if (digit < t) break;
      if (w > Math.floor(0x7fffffff / (BASE - t))) throw new Error('punycode: overflow');
      w *= BASE - t;
    }
    const len = output.length + 1;
    bias = adapt(i - oldi, len, oldi === 0);
    if (Math.floor(i / len) > 0x10ffff - n) throw new Error('punycode: overflow');
    n += Math.floor(i / len);
    i %= len;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) throw new Error('punycode: invalid code point');
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

/** `xn--` labels of a host decoded to Unicode; throws if any label is malformed. */
export function hostToUnicode(host: string): string {
  return host
    .split('.')
    .map((label) => (label.toLowerCase().startsWith('xn--') ? punycodeDecode(label.slice(4)) : label))
    .join('.');
}

/** How the dialogs present an origin. */
export interface OriginDisplay {
  /** Exactly what the agent received. */
  raw: string;
  /** The origin with its host decoded, when that differs from `raw`. */
  unicode?: string;
  /** The host has non-ASCII characters (or undecodable punycode): it may imitate another site. */
  lookalike: boolean;
}

/** Splits an origin into what the user must see: the raw form, the decoded form, and a look-alike flag. */
export function describeOrigin(origin: string): OriginDisplay {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(\[[^\]]*\]|[^:/]*)(.*)$/i.exec(origin);
  if (!m) return { raw: origin, lookalike: false };
  const [, scheme = '', host = '', rest = ''] = m;
  let unicodeHost: string;
  try {
    unicodeHost = hostToUnicode(host);
  } catch {
    return { raw: origin, lookalike: true };
  }
  // eslint-disable-next-line no-control-regex
  const nonAscii = /[^\x00-\x7f]/.test(unicodeHost);
  const unicode = scheme + unicodeHost + rest;
  return unicode === origin ? { raw: origin, lookalike: nonAscii } : { raw: origin, unicode, lookalike: nonAscii };
}
