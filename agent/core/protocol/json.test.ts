import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds, jsonShapeExceeds, parseJson, parseSteps, serializeError, serializeNotification, serializeResult } from './json.js';
import { decodeBase64, encodeBase64, toHex } from './encoding.js';

describe('parseJson', () => {
  it('parseJson_when10kDeepArray_refusesWithoutCrashing', () => {
    const r = parseJson('['.repeat(10_000) + ']'.repeat(10_000));
    expect(r).toMatchObject({ ok: false, reason: 'INVALID_REQUEST' });
  });
  it('parseJson_whenDepthAtLimit_accepts', () => {
    expect(parseJson('['.repeat(32) + ']'.repeat(32)).ok).toBe(true);
    expect(parseJson('['.repeat(33) + ']'.repeat(33)).ok).toBe(false);
  });
  it('parseJson_whenWideFlatArray_refusesBeforeBuildingIt', () => {
    // T22: `[{},{},…]` is two levels deep; the value count stops it during the pre-scan.
    const wide = '[' + '{},'.repeat(300_000) + '{}]';
    expect(parseJson(wide)).toMatchObject({ ok: false, reason: 'INVALID_REQUEST', detail: 'more than 200000 values' });
    expect(parseJson('[' + '1,'.repeat(1000) + '1]').ok).toBe(true);
  });
  it('jsonShapeExceeds_skipsLongStringsAndEscapedQuotes', () => {
    expect(jsonShapeExceeds(JSON.stringify({ a: 'x\\"[,,,,'.repeat(10), b: ',,,' }), 3, 4)).toBeNull();
    expect(jsonShapeExceeds('[1,2,3,4,5]', 3, 4)).toBe('more than 4 values');
    expect(jsonShapeExceeds('"unterminated [[[[', 1, 1)).toBeNull();
  });
  it('jsonDepthExceeds_ignoresBracketsInsideStrings', () => {
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[[[[[[[\\"{{{{{{' }), 3)).toBe(false);
  });
  it('parseJson_whenMalformed_isParseError', () => {
    for (const bad of ['', ']', '{', '{"a":}', 'nul', '{"a":1,}', "{'a':1}", '\u0000']) {
      expect(parseJson(bad)).toMatchObject({ ok: false, reason: 'PARSE_ERROR' });
    }
  });
  it('parseJson_whenProtoKey_isRefused', () => {
    expect(parseJson('{"__proto__":{"polluted":1}}')).toMatchObject({ ok: false, reason: 'INVALID_REQUEST' });
    expect(parseJson('{"a":{"constructor":{"prototype":1}}}')).toMatchObject({ ok: false, reason: 'INVALID_REQUEST' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('parseJson_whenForbiddenKeyIsWrittenWithEscapes_isRefused', () => {
    expect(parseJson('{"__prot\\u006f__":{"polluted":1}}')).toMatchObject({ ok: false, reason: 'INVALID_REQUEST' });
    expect(parseJson('{"a":{"\\u0063onstructor":1}}')).toMatchObject({ ok: false, reason: 'INVALID_REQUEST' });
    expect(parseJson('{"a":{"prototyp\\u0065":1}}')).toMatchObject({ ok: false, reason: 'INVALID_REQUEST' });
    expect(parseJson('{"a":"\\u00e9"}')).toEqual({ ok: true, value: { a: 'é' } });
  });
  it('parseJson_whenALargeMessageSpellsAStandInWithEscapes_givesJsonParsesValue', () => {
    // The stand-in of a lifted literal is U+0000 "kyso-lifted:" n; a page may write that text with other escapes.
    const long = encodeBase64(new Uint8Array(1024 * 1024).fill(7));
    const forged = '"\\u0000\\u006byso-lifted:0"';
    const texts = [
      `{"jsonrpc":"2.0","id":1,"method":${forged},"params":{"data":"${long}"}}`,
      `{"jsonrpc":"2.0","id":1,"method":"sign.cms","params":{"data":"${long}","certId":"\\u0000kyso\\u002dlifted:7"}}`,
      // Duplicate keys: JSON.parse keeps the last, the forged one, so counting stand-ins alone would not do.
      `{"jsonrpc":"2.0","id":1,"method":"sign.cms","params":{"x":"${long}","x":"ok"},"params":${forged}}`,
    ];
    for (const text of texts) {
      const r = parseJson(text);
      expect(r.ok).toBe(true);
      expect((r as { value: unknown }).value).toEqual(JSON.parse(text));
    }
  });
  it('parseSteps_whenALargeMessageIsAFloodOfEscapedQuotes_yieldsEveryFewTensOfThousandsOfThem (T22)', () => {
    // The VNPT listener and the VNPT session's call into the dispatcher parse text: 4 Mi escaped quotes, each a
    // round of JS in the pre-scan, ran in one go.
    const hits = 4 * 1024 * 1024;
    const text = `{"jsonrpc":"2.0","id":1,"method":"sign.pdf","params":{"x":"${'\\"'.repeat(hits)}"}}`;
    let steps = 0;
    const run = parseSteps(text, 32, 100_000);
    let step = run.next();
    for (; !step.done; step = run.next()) steps++;
    expect(step.value.ok).toBe(true);
    expect(steps).toBeGreaterThan(hits / 100_000);
    expect(jsonShapeExceeds(text, 32, 100_000)).toBeNull();
  });
  it('parseJson_whenForbiddenWordIsOnlyAValue_accepts', () => {
    expect(parseJson('{"label":"__proto__ constructor"}')).toEqual({ ok: true, value: { label: '__proto__ constructor' } });
  });
  it('serialisers_produceJsonRpc', () => {
    expect(JSON.parse(serializeResult(1, { a: '"}' }))).toEqual({ jsonrpc: '2.0', id: 1, result: { a: '"}' } });
    expect(JSON.parse(serializeError(null, { code: -32700, message: 'x', data: { reason: 'PARSE_ERROR', retriable: false } })).id).toBeNull();
    expect(JSON.parse(serializeNotification('tokens.changed', { tokens: [] }))).toEqual({ jsonrpc: '2.0', method: 'tokens.changed', params: { tokens: [] } });
  });
});

describe('base64', () => {
  it('roundTrips_everyLength', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64(text)).toEqual(bytes);
    }
  });
  it('decode_refusesNonStandardForms', () => {
    for (const bad of ['YQ', 'YQ=', 'Y===', 'YQ==\n', ' YQ==', 'YR==', 'a-_b', 'YWJj\u00e9', 'YW=j']) expect(decodeBase64(bad)).toBeNull();
  });
  it('toHex_isLowerCase', () => {
    expect(toHex(Uint8Array.of(0, 171, 255))).toBe('00abff');
  });
});
