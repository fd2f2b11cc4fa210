import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './encoding.js';
import { escapeSafeCut, parseJson, parseJsonSliced, serializeResult, serializeResultSliced, stringifySliced } from './json.js';
import { joinPieces } from './pieces.js';
import { SLICE_CHARS, decodeBase64Sliced, encodeBase64Sliced, isBase64Text } from './slices.js';

const MiB = 1024 * 1024;
function bytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7919) & 0xff;
  return b;
}
const same = (a: Uint8Array | null, b: Uint8Array | null) => a !== null && b !== null && a.length === b.length && a.every((v, i) => v === b[i]);

describe('base64 in slices (docs/security.md T22)', () => {
  it('roundTrip_ofSeveralSlices_equalsTheOneShotCodec', async () => {
    const data = bytes(3 * MiB + 2);
    const text = await encodeBase64Sliced(data);
    expect(text === encodeBase64(data)).toBe(true);
    expect(text.length).toBeGreaterThan(SLICE_CHARS * 2);
    expect(same(await decodeBase64Sliced(text), data)).toBe(true);
    expect(same(decodeBase64(text), data)).toBe(true);
  });
  it('paddingInsideALongText_isRefused', async () => {
    const text = encodeBase64(bytes(3 * MiB));
    const inner = `${text.slice(0, SLICE_CHARS - 4)}AA==${text.slice(SLICE_CHARS)}`;
    expect(await decodeBase64Sliced(inner)).toBeNull();
    expect(await decodeBase64Sliced(`${text.slice(0, 5 * 1024 * 1024 - 1)}!`)).toBeNull();
  });
  it('yieldsToTheEventLoop_betweenSlices', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await decodeBase64Sliced(encodeBase64(bytes(6 * MiB)));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(2);
  });
  it('isBase64Text_refusesAnythingOutsideTheAlphabet', async () => {
    expect(await isBase64Text('QUJD'.repeat(MiB))).toBe(true);
    expect(await isBase64Text(`${'QUJD'.repeat(MiB)}"`)).toBe(false);
  });
});

describe('large messages parsed as a skeleton', () => {
  const long = encodeBase64(bytes(MiB));
  it('liftedLiterals_giveTheSameValueAsJsonParse', async () => {
    const text = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'sign.pdf', params: { pdf: long, items: [{ data: long }, 'x'], escaped: `${long}\\"\n` } });
    const r = await parseJsonSliced(text);
    expect(r).toEqual({ ok: true, value: JSON.parse(text) });
    expect(parseJson(text)).toEqual(r);
  });
  it('aLongMemberName_staysWithJsonParse', () => {
    const text = `{"${long}": 1, "b": "${long}"}`;
    expect(parseJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });
  it('aMessageHoldingTheStandInText_isParsedWhole', () => {
    const text = JSON.stringify({ a: '\u0000kyso-lifted:0', b: long });
    expect(parseJson(text)).toEqual({ ok: true, value: { a: '\u0000kyso-lifted:0', b: long } });
  });
  it('forbiddenKeys_andBadSyntax_areStillFound', () => {
    expect(parseJson(`{"__proto__": {"x": 1}, "b": "${long}"}`)).toMatchObject({ ok: false, reason: 'INVALID_REQUEST' });
    expect(parseJson(`{"a": "${long}" "b": 1}`)).toMatchObject({ ok: false, reason: 'PARSE_ERROR' });
    expect(parseJson(`{"a": "${long}`)).toMatchObject({ ok: false, reason: 'PARSE_ERROR' });
  });
  it('serializeResultSliced_equalsJsonStringify', async () => {
    const encoded = await encodeBase64Sliced(bytes(2 * MiB));
    const result = { pdf: encoded, other: `${long}"\u0001`, n: 1, list: ['\u0000kyso-lifted:9'] };
    expect(joinPieces(await serializeResultSliced(7, result))).toBe(serializeResult(7, result));
  });
});

describe('escaped long literals and long non-base64 text, in pieces (docs/security.md T22)', () => {
  /** ~3 Mi chars of text with every kind of escape placed on and around the 1 Mi piece boundaries. */
  function tricky(): string {
    const tokens = ['\\', '"', '\n', '\u0001', 'é', '😀', '\\\\"', '\u2028', 'ab'];
    let t = '';
    for (let i = 0; t.length < 3 * MiB; i++) {
      // Fill up to a few characters before each boundary, then walk the tokens across it.
      const boundary = (Math.floor(t.length / MiB) + 1) * MiB;
      if (boundary - t.length > 64) t += 'x'.repeat(boundary - t.length - 12 - (i % 7));
      t += tokens[i % tokens.length]!;
    }
    return t;
  }
  it('aLongLiteralWithEscapes_JsonInsideJson_isUnescapedToTheSameValue', async () => {
    const inner = JSON.stringify([JSON.stringify({ data: encodeBase64(bytes(2 * MiB)), type: 'pdf' }), tricky()]);
    const frame = JSON.stringify({ functionID: 10, args: [inner, tricky()] });
    const r = await parseJsonSliced(frame);
    expect(r.ok && r.value).toEqual(JSON.parse(frame));
    expect(r.ok && (r.value as { args: string[] }).args[0] === inner).toBe(true);
  });
  it('escapeSafeCut_neverSplitsAnEscape', () => {
    const at = (prefix: string, rest: string) => {
      const text = `${'x'.repeat(MiB - prefix.length)}${prefix}${rest}${'x'.repeat(10)}`;
      return escapeSafeCut(text, 0, text.length) - (MiB - prefix.length);
    };
    // A \u escape straddling the boundary: cut before its backslash.
    expect(at('\\u00', '41')).toBe(0);
    // An escaped backslash pair ending right at the boundary: nothing straddles, cut at the boundary … or before.
    expect(at('\\\\', 'a')).toBeLessThanOrEqual(2);
    expect(at('\\\\', 'a') % 2).toBe(0);
    // Three backslashes then a quote: the pair stays whole and the third goes with the quote.
    expect(at('\\\\\\', '"')).toBe(2);
    // No backslash near the boundary: the cut is the boundary itself.
    expect(at('', 'abc')).toBe(0);
  });
  it('longText_andStringifySliced_giveJsonStringifysText', async () => {
    const t = tricky();
    expect(await stringifySliced(t)).toBe(JSON.stringify(t));
    // A surrogate pair exactly on the boundary.
    const pair = `${'a'.repeat(MiB - 1)}😀${'b'.repeat(10)}`;
    expect(await stringifySliced(pair)).toBe(JSON.stringify(pair));
    // The VNPT batch answer: JSON text of an array of JSON texts, each holding a signed document.
    const items = [{ code: 0, data: encodeBase64(bytes(2 * MiB)), error: '', serial: 'AB' }, { code: 1, data: '', error: t, serial: '' }];
    const texts: string[] = [];
    for (const i of items) texts.push(await stringifySliced(i));
    expect(await stringifySliced(texts)).toBe(JSON.stringify(items.map((i) => JSON.stringify(i))));
  });
  it('anEscapedLongLiteral_yieldsBetweenPieces', async () => {
    const frame = JSON.stringify({ a: JSON.stringify({ b: encodeBase64(bytes(4 * MiB)) }) });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const r = await parseJsonSliced(frame);
    clearInterval(timer);
    expect(r.ok).toBe(true);
    expect(ticks).toBeGreaterThan(3);
  });
});
