import { describe, expect, it } from 'vitest';
import { Base64Literal, decodeBase64Steps } from './base64-literal.js';
import { decodeBase64, encodeBase64 } from './encoding.js';
import { LONG_LITERAL_CHARS, parseJson, runSteps, type JsonParseResult } from './json.js';
import { BYTES_FROM, parseBytesSteps, parseJsonBytes, parseJsonBytesSliced } from './json-bytes.js';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from './limits.js';

const enc = new TextEncoder();
const MiB = 1024 * 1024;

/** A deterministic generator (xorshift), so a failing case can be replayed from its seed. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

function randomBytes(n: number, seed: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(n / 4));
  let s = (seed * 2_654_435_761) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    words[i] = s >>> 0;
  }
  return new Uint8Array(words.buffer, 0, n);
}

/** Base64 of more than LONG_LITERAL_CHARS characters (a lifted literal). */
const longBase64 = (seed: number, extra = 0) => encodeBase64(randomBytes(((LONG_LITERAL_CHARS / 4) * 3) + 3 + extra, seed));

/**
 * The byte parser's result must be parseJson's on the text the transport would have made (UTF-8, malformed
 * sequences replaced, a leading BOM dropped), except that a Base64Literal stands where parseJson has a string of the
 * same length whose decodeBase64 is the literal's bytes (null for both when it is not strict base64).
 */
function expectSameAsText(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH, maxValues = MAX_JSON_VALUES, label = ''): JsonParseResult {
  const byText = parseJson(new TextDecoder().decode(bytes), maxDepth, maxValues);
  const byBytes = parseJsonBytes(bytes, maxDepth, maxValues);
  expect(byBytes.ok, label).toBe(byText.ok);
  if (!byBytes.ok || !byText.ok) {
    expect(byBytes, label).toEqual(byText);
    return byBytes;
  }
  sameValue(byBytes.value, byText.value, label);
  return byBytes;
}

function sameValue(b: unknown, t: unknown, where: string): void {
  if (b instanceof Base64Literal) {
    expect(typeof t, where).toBe('string');
    expect(b.chars, where).toBe((t as string).length);
    const decoded = decodeBase64(t as string);
    if (decoded === null) expect(b.bytes, where).toBeNull();
    else expect(b.bytes !== null && Buffer.from(b.bytes).equals(Buffer.from(decoded)), where).toBe(true);
    return;
  }
  if (Array.isArray(b)) {
    expect(Array.isArray(t), where).toBe(true);
    expect(b.length, where).toBe((t as unknown[]).length);
    b.forEach((x, i) => sameValue(x, (t as unknown[])[i], `${where}[${i}]`));
    return;
  }
  if (typeof b === 'object' && b !== null) {
    expect(typeof t === 'object' && t !== null && !Array.isArray(t), where).toBe(true);
    expect(Object.keys(b), where).toEqual(Object.keys(t as object));
    for (const k of Object.keys(b)) sameValue((b as Record<string, unknown>)[k], (t as Record<string, unknown>)[k], `${where}.${k}`);
    return;
  }
  expect(b, where).toEqual(t);
}

/** Counts the Base64Literals in a parsed value. */
function literals(v: unknown): Base64Literal[] {
  if (v instanceof Base64Literal) return [v];
  if (Array.isArray(v)) return v.flatMap(literals);
  if (typeof v === 'object' && v !== null) return Object.values(v).flatMap(literals);
  return [];
}

/** An envelope whose params hold `members` (JSON texts) and enough base64 to make it a large message. */
function envelope(members: string[], method = 'sign.pdf', seed = 1): string {
  const pad: string[] = [];
  let size = members.reduce((n, m) => n + m.length, 0);
  for (let i = 0; size < BYTES_FROM + 1024; i++) {
    const b = longBase64(seed * 100 + i);
    pad.push(`"pad${i}":"${b}"`);
    size += b.length;
  }
  return `{"jsonrpc":"2.0","id":7,"method":"${method}","params":{${[...members, ...pad].join(',')}}}`;
}

describe('parseJsonBytes: the same outcome as parseJson on the text (docs/security.md "Large messages")', () => {
  it('aDocumentInBase64_isDecodedFromTheBytes_asABase64Literal', () => {
    const doc = randomBytes(300_000, 5);
    const text = envelope([`"pdf":"${encodeBase64(doc)}"`, '"fileName":"a.pdf"']);
    const r = expectSameAsText(enc.encode(text));
    expect(r.ok).toBe(true);
    const params = (r as { value: { params: Record<string, unknown> } }).value.params;
    expect(params.pdf).toBeInstanceOf(Base64Literal);
    expect(Buffer.from((params.pdf as Base64Literal).bytes!).equals(Buffer.from(doc))).toBe(true);
    expect(params.fileName).toBe('a.pdf');
  });

  it('handMadeMessages_sameAsText', () => {
    const b = longBase64(9);
    const cases: Array<[string, string]> = [
      ['escaped slashes (PHP) stay text', envelope([`"pdf":"${b.replaceAll('/', '\\/')}"`])],
      ['bad padding: null bytes', envelope([`"pdf":"${b.slice(0, -1)}"`])],
      ['padding inside', envelope([`"pdf":"${b.slice(0, 1000)}=${b.slice(1001)}"`])],
      ['non-canonical trailing bits', envelope([`"pdf":"${encodeBase64(randomBytes(LONG_LITERAL_CHARS, 3)).slice(0, -2)}B="`])],
      ['unicode in a long literal', envelope([`"text":"${'Tờ trình '.repeat(40_000)}"`])],
      ['raw control character in a long literal', envelope([`"text":"${'a'.repeat(LONG_LITERAL_CHARS)}\u0001b"`])],
      ['raw control character in a long base64-like literal', envelope([`"pdf":"${b}\n"`])],
      // Long in bytes, not in characters: parseJson parses it whole and refuses the control character.
      ['raw control character in a literal long only in bytes', envelope([`"text":"${'ệ'.repeat(100_000)}\u0001"`])],
      ['a message large only in bytes', `{"jsonrpc":"2.0","id":1,"method":"m","params":{"t":"${'ệ'.repeat(400_000)}\u0001"}}`],
      ['escapes in a long literal', envelope([`"text":"${'\\"\\\\\\u00e9\\n'.repeat(60_000)}"`])],
      ['bad escape in a long literal', envelope([`"text":"${'a'.repeat(LONG_LITERAL_CHARS)}\\x"`])],
      ['long base64 member name', envelope([`"${b}":1`, `"${b}" \n: 2`])],
      ['whitespace everywhere', envelope([` "pdf" : \n\t"${b}" `, '"n" : [ 1 , 2 , { "a" : null } ]'])],
      ['nested batch items', envelope([`"items":[{"kind":"pdf","params":{"pdf":"${b}","fileName":"x.pdf"}},{"kind":"cms","params":{"data":"${longBase64(11)}"}}]`], 'sign.batch')],
      ['method itself long base64', `{"jsonrpc":"2.0","id":1,"method":"${b}${longBase64(12)}${longBase64(13)}${longBase64(14)}","params":{}}`],
      ['id long base64', `{"jsonrpc":"2.0","id":"${b}","method":"x","params":{"a":"${longBase64(15)}","b":"${longBase64(16)}","c":"${longBase64(17)}"}}`],
      ['params long base64', `{"jsonrpc":"2.0","id":1,"method":"sign.pdf","params":"${b}${longBase64(18)}${longBase64(19)}${longBase64(20)}"}`],
      ['whole message one string', `"${b}${longBase64(21)}${longBase64(22)}${longBase64(23)}"`],
      ['marker written in data', envelope([`"pdf":"${b}"`, '"x":"\\\\u0000kyso-lifted:0"'])],
      ['marker as a value', envelope([`"pdf":"${b}"`, '"x":"\\u0000kyso-lifted:0"'])],
      ['stand-in spelt with escapes', envelope([`"pdf":"${b}"`, '"x":"\\u0000\\u006byso-lifted:0"'])],
      ['forbidden key', envelope([`"pdf":"${b}"`, '"o":{"__proto__":{"x":1}}'])],
      ['forbidden word as a value', envelope([`"pdf":"${b}"`, '"o":"constructor"'])],
      ['constructor key', envelope([`"pdf":"${b}"`, '"constructor":1'])],
      ['leading BOM', `\ufeff${envelope([`"pdf":"${b}"`])}`],
      ['BOM inside a long literal', envelope([`"text":"\ufeff${'é'.repeat(LONG_LITERAL_CHARS)}\ufeff"`])],
      ['truncated inside a literal', envelope([`"pdf":"${b}"`]).slice(0, -LONG_LITERAL_CHARS)],
      ['truncated after a literal', envelope([`"pdf":"${b}"`]).slice(0, -3)],
      ['unterminated', `${envelope([])}"abc`],
      ['trailing garbage', `${envelope([`"pdf":"${b}"`])} x`],
      ['a long literal at the top of an array', `[${JSON.stringify(b)},${JSON.stringify(longBase64(24))},${JSON.stringify(longBase64(25))},${JSON.stringify(longBase64(26))}]`],
      ['empty base64 and numbers', envelope(['"a":"","b":-1.5e3,"c":true,"d":null'])],
    ];
    for (const [label, text] of cases) {
      expect(enc.encode(text).length, label).toBeGreaterThanOrEqual(BYTES_FROM);
      expectSameAsText(enc.encode(text), MAX_JSON_DEPTH, MAX_JSON_VALUES, label);
    }
  });

  it('theLiftingIsReal_forBase64InsideParams_notForTheEnvelopesOwnMembers', () => {
    const b = longBase64(30);
    const inParams = parseJsonBytes(enc.encode(envelope([`"pdf":"${b}"`, `"bad":"${b.slice(0, -1)}"`])));
    const v = (inParams as { value: { params: Record<string, unknown> } }).value.params;
    expect(v.pdf).toBeInstanceOf(Base64Literal);
    expect((v.bad as Base64Literal).bytes).toBeNull();
    expect((v.bad as Base64Literal).chars).toBe(b.length - 1);
    const method = parseJsonBytes(enc.encode(`{"jsonrpc":"2.0","id":1,"method":"${b}${b}${b}${b}"}`));
    expect(typeof (method as { value: { method: unknown } }).value.method).toBe('string');
    // Escaped base64 (`\/`) is text, unescaped as parseJson does.
    const escaped = parseJsonBytes(enc.encode(envelope([`"pdf":"${b.replaceAll('/', '\\/')}"`])));
    expect((escaped as { value: { params: { pdf: unknown } } }).value.params.pdf).toBe(b);
  });

  it('aStandInSpeltWithEscapes_isTheTextJsonParseReads_notALiftedValue', () => {
    const b = longBase64(31);
    const forged = '"\\u0000\\u006byso-lifted:0"';
    const texts = [
      `{"jsonrpc":"2.0","id":1,"method":${forged},"params":{"pdf":"${b}","a":"${longBase64(32)}","c":"${longBase64(33)}","d":"${longBase64(34)}"}}`,
      envelope([`"pdf":"${b}"`, '"certId":"\\u0000kyso\\u002dlifted:1"']),
      // The envelope's params replaced by a Base64Literal through a duplicate key.
      `{"jsonrpc":"2.0","id":1,"method":"sign.pdf","params":{"pdf":"${b}","a":"${longBase64(35)}","c":"${longBase64(36)}","d":"${longBase64(37)}"},"params":${forged}}`,
    ];
    for (const text of texts) {
      const want = JSON.parse(text) as Record<string, unknown>;
      const r = parseJsonBytes(enc.encode(text));
      expect(r.ok).toBe(true);
      const got = (r as { value: Record<string, unknown> }).value;
      expect(got.method).toEqual(want.method);
      expect(got.params instanceof Base64Literal).toBe(false);
      expect(typeof got.params).toBe(typeof want.params);
      if (typeof want.params === 'object') expect((got.params as { certId?: unknown }).certId).toEqual((want.params as { certId?: unknown }).certId);
    }
  });

  it('aFloodOfEscapedQuotes_yieldsEveryFewTensOfThousandsOfThem (T22)', () => {
    // 4 Mi escaped quotes: each is a round of JS in the string scan (~50 ns), far more than a searched byte.
    const hits = 4 * MiB;
    const text = `{"jsonrpc":"2.0","id":1,"method":"sign.pdf","params":{"x":"${'\\"'.repeat(hits)}"}}`;
    let steps = 0;
    const run = parseBytesSteps(enc.encode(text), MAX_JSON_DEPTH, MAX_JSON_VALUES);
    for (let step = run.next(); !step.done; step = run.next()) steps++;
    // At most ~100k of them between two yields (each step a few milliseconds); 4 Mi bytes' worth ran ~200 ms.
    expect(steps).toBeGreaterThan(hits / 100_000);
  });

  it('invalidUtf8_isReplaced_asTheTransportsDecoderDoes', () => {
    const ascii = envelope([`"pdf":"${longBase64(31)}"`, '"t":"ab"']);
    const text = enc.encode(ascii);
    const pdf = ascii.indexOf('"pdf":"') + 6;
    for (const bad of [[0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80, 0x80]]) {
      // In a small value, inside a long literal, and right before a long literal's closing quote.
      const at = [ascii.indexOf('"ab"') + 2, pdf + 5000, ascii.indexOf('"', pdf + 1)];
      for (const i of at) {
        const bytes = new Uint8Array(text.length + bad.length);
        bytes.set(text.subarray(0, i));
        bytes.set(bad, i);
        bytes.set(text.subarray(i), i + bad.length);
        expectSameAsText(bytes, MAX_JSON_DEPTH, MAX_JSON_VALUES, `${bad} at ${i}`);
      }
    }
  });

  it('depthAndValueLimits_refuseTheSameWay', () => {
    const b = longBase64(40);
    const deep = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;
    for (const [label, text, depth, values] of [
      ['too deep', envelope([`"pdf":"${b}"`, `"d":${deep(40)}`]), 32, 1000],
      ['deep at the limit', envelope([`"pdf":"${b}"`, `"d":${deep(30)}`]), 32, 1000],
      ['brackets inside strings do not count', envelope([`"pdf":"${b}"`, `"s":"${'['.repeat(100)}"`]), 32, 1000],
      ['too many values', envelope([`"pdf":"${b}"`, `"w":[${'{},'.repeat(2000)}{}]`]), 32, 1000],
      ['wide, after the long literal', envelope([`"w":[${'1,'.repeat(999)}1]`]), 32, 1000],
      ['10k deep', deep(10_000) + ' '.repeat(BYTES_FROM), 32, 200_000],
    ] as const) {
      const r = expectSameAsText(enc.encode(text), depth, values, label);
      if (label.startsWith('too') || label === '10k deep') expect(r, label).toMatchObject({ ok: false, reason: 'INVALID_REQUEST' });
    }
  });

  it('randomMessages_sameAsText', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed);
      const parts: string[] = [];
      const small = (): string => r.pick([
        '1', '-0.5e-3', 'true', 'null', '"a\\"b"', '"\\u00e9\\ud83d\\ude00"', '"Tờ trình"', '"x\\\\"', '[]', '{}',
        '"__proto__"', '"\\u0000kyso"', '"\\/"', '[1,[2,[3]]]', '{"a":{"b":[null]}}',
      ]);
      const long = (): string => {
        const b = longBase64(seed * 31 + r.int(1000));
        switch (r.int(7)) {
          case 0: return `"${b.slice(0, -r.int(3) - 1)}"`;
          case 1: return `"${b.replace('/', '\\/')}"`;
          case 2: return `"${b.slice(0, 100)}ệ${b.slice(100)}"`;
          case 3: return `"${b.slice(0, 4 * r.int(1000))}=${b.slice(4000)}"`;
          default: return `"${b}"`;
        }
      };
      for (let i = r.int(5) + 1; i > 0; i--) parts.push(`"k${i}":${r.next() < 0.5 ? long() : small()}`);
      if (r.next() < 0.3) parts.push(`"items":[{"kind":"pdf","params":{"pdf":${long()}}},${small()}]`);
      let text = envelope(parts, 'sign.pdf', seed);
      let bytes = enc.encode(text);
      const mutate = r.int(6);
      if (mutate === 0) bytes = bytes.subarray(0, r.int(bytes.length));
      else if (mutate === 1) {
        bytes = bytes.slice();
        bytes[r.int(bytes.length)] = r.pick([0x22, 0x5c, 0x5b, 0x7d, 0x2c, 0x3a, 0x00, 0xff, 0x41]);
      } else if (mutate === 2) {
        text = text.replace('"params":{', `"params":{"__proto__":1,`);
        bytes = enc.encode(text);
      }
      expectSameAsText(bytes, 6, 50, `seed ${seed}`);
    }
  });

  it('smallMessages_areParsedAsText', () => {
    const b = longBase64(50);
    const text = `{"jsonrpc":"2.0","id":1,"method":"sign.pdf","params":{"pdf":"${b}"}}`;
    expect(enc.encode(text).length).toBeLessThan(BYTES_FROM);
    const r = parseJsonBytes(enc.encode(text));
    expect(r).toEqual(parseJson(text));
    expect(literals((r as { value: unknown }).value)).toEqual([]);
  });

  it('sliced_givesTheSameResult', async () => {
    const text = envelope([`"pdf":"${longBase64(60, 3 * MiB)}"`, `"cms":"${longBase64(61)}"`, '"s":"Tờ"']);
    const bytes = enc.encode(text);
    const sliced = await parseJsonBytesSliced(bytes);
    const whole = parseJsonBytes(bytes);
    const [a, b] = [sliced, whole].map((r) => literals((r as { value: unknown }).value));
    expect(a!.length).toBe(2);
    a!.forEach((l, i) => {
      expect(l.chars).toBe(b![i]!.chars);
      expect(Buffer.from(l.bytes!).equals(Buffer.from(b![i]!.bytes!))).toBe(true);
    });
    expect((sliced as { value: { params: { s: string } } }).value.params.s).toBe('Tờ');
  });
});

describe('decodeBase64Steps', () => {
  const run = (src: Uint8Array): Uint8Array | null => runSteps(decodeBase64Steps(src, 0, src.length));
  it('sameAsDecodeBase64_acrossSliceEnds', () => {
    const b = encodeBase64(randomBytes(((MiB / 4) * 3) * 2 + 7, 70));
    const variants = [
      b,
      `${b.slice(0, MiB - 1)}=${b.slice(MiB)}`,
      `${b.slice(0, MiB - 2)}==${b.slice(MiB)}`,
      `${b.slice(0, MiB)}=${b.slice(MiB + 1)}`,
      `${b.slice(0, 2 * MiB + 5)}*${b.slice(2 * MiB + 6)}`,
      b.slice(0, -1),
      b.slice(0, MiB),
      `${b.slice(0, -2)}A=`,
      '',
    ];
    for (const v of variants) {
      const got = run(enc.encode(v));
      const want = decodeBase64(v);
      expect(got === null, v.slice(-8)).toBe(want === null);
      if (got && want) expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
    }
  });
});
