import { describe, expect, it } from 'vitest';
import { AgentError } from '../errors.js';
import { encodeBase64 } from './encoding.js';
import { MAX_DOCUMENT_BASE64_CHARS } from './limits.js';
import { Base64Literal } from './base64-literal.js';
import { parseParams } from './schemas.js';

const h = (n: number) => encodeBase64(new Uint8Array(n).fill(7));

async function fails(fn: () => Promise<unknown>): Promise<AgentError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AgentError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('parseParams', () => {
  it('noParams_whenAbsentOrEmpty_accepts', async () => {
    expect(await parseParams('agent.info', undefined)).toEqual({});
    expect(await parseParams('tokens.list', {})).toEqual({});
  });
  it('unknownField_isInvalidParamsNamingIt', async () => {
    const e = (await fails(() => parseParams('tokens.list', { extra: 1 })));
    expect(e.reason).toBe('INVALID_PARAMS');
    expect(e.data.detail).toContain('extra');
  });
  it('positionalParams_areRefused', async () => {
    expect((await fails(() => parseParams('sign.hash', ['a']))).reason).toBe('INVALID_PARAMS');
  });
  it('signHash_decodesAndAcceptsMatchingLengths', async () => {
    for (const [alg, n] of [['SHA-1', 20], ['SHA-256', 32], ['SHA-384', 48], ['SHA-512', 64]] as const) {
      const p = await parseParams('sign.hash', { certId: 'c', hash: h(n), hashAlgorithm: alg });
      expect(p.hash).toHaveLength(n);
    }
  });
  it('signHash_whenLengthMismatch_isHashLengthInvalid', async () => {
    const e = (await fails(() => parseParams('sign.hash', { certId: 'c', hash: h(20), hashAlgorithm: 'SHA-256' })));
    expect(e.reason).toBe('HASH_LENGTH_INVALID');
    expect(e.data.detail).toMatch(/params\.hash/);
  });
  it('signHash_whenBadBase64_isInvalidParams', async () => {
    const e = (await fails(() => parseParams('sign.hash', { certId: 'c', hash: 'not base64!', hashAlgorithm: 'SHA-256' })));
    expect(e.reason).toBe('INVALID_PARAMS');
    expect(e.data.detail).toContain('params.hash');
  });
  it('enums_areChecked', async () => {
    expect((await fails(() => parseParams('sign.hash', { certId: 'c', hash: h(32), hashAlgorithm: 'MD5' }))).data.detail).toContain('hashAlgorithm');
    expect((await fails(() => parseParams('sign.hash', { certId: 'c', hash: h(32), hashAlgorithm: 'SHA-256', scheme: 'RAW' }))).data.detail).toContain('scheme');
    expect((await fails(() => parseParams('sign.xml', { certId: 'c', xml: h(3), profile: 'other' }))).data.detail).toContain('profile');
  });
  it('wrongTypes_nameTheFieldButNotTheValue', async () => {
    const secret = 'x'.repeat(10_000);
    const e = (await fails(() => parseParams('sign.hash', { certId: 5, hash: h(32), hashAlgorithm: 'SHA-256', label: { secret } })));
    expect(e.reason).toBe('INVALID_PARAMS');
    expect(e.data.detail!.length).toBeLessThan(300);
    expect(e.data.detail).not.toContain(secret);
  });
  it('hugeUnknownKey_isClipped', async () => {
    const e = (await fails(() => parseParams('tokens.list', { ['k'.repeat(5000)]: 1 })));
    expect(e.data.detail!.length).toBeLessThan(300);
  });
  it('cms_needsExactlyOneOfDataOrHash', async () => {
    expect((await fails(() => parseParams('sign.cms', { certId: 'c' }))).reason).toBe('INVALID_PARAMS');
    expect((await fails(() => parseParams('sign.cms', { certId: 'c', data: h(3), hash: h(32) }))).reason).toBe('INVALID_PARAMS');
    expect((await fails(() => parseParams('sign.cms', { certId: 'c', hash: h(32), detached: false }))).data.detail).toContain('detached');
    expect((await fails(() => parseParams('sign.cms', { certId: 'c', hash: h(48) }))).reason).toBe('HASH_LENGTH_INVALID');
    expect((await parseParams('sign.cms', { certId: 'c', hash: h(48), hashAlgorithm: 'SHA-384' })).hash).toHaveLength(48);
  });
  it('document_overTheCap_isPayloadTooLarge', async () => {
    const e = (await fails(() => parseParams('sign.pdf', { certId: 'c', fileName: 'a.pdf', pdf: 'A'.repeat(MAX_DOCUMENT_BASE64_CHARS + 4) })));
    expect(e.reason).toBe('PAYLOAD_TOO_LARGE');
  });
  it('pdf_appearanceAndFileName_areValidated', async () => {
    expect((await fails(() => parseParams('sign.pdf', { certId: 'c', pdf: h(3), fileName: 'a\u0000b' }))).data.detail).toContain('fileName');
    expect((await fails(() => parseParams('sign.pdf', { certId: 'c', pdf: h(3), fileName: 'a', appearance: { page: 0 } }))).data.detail).toContain('appearance.page');
    expect((await fails(() => parseParams('sign.pdf', { certId: 'c', pdf: h(3), fileName: 'a', appearance: { rect: [0, 0, 0, 10] } }))).reason).toBe('INVALID_PARAMS');
    expect((await fails(() => parseParams('sign.pdf', { certId: 'c', pdf: h(3), fileName: 'a', timestamp: { url: 'file:///etc/passwd' } }))).data.detail).toContain('timestamp.url');
    const ok = await parseParams('sign.pdf', { certId: 'c', pdf: h(3), fileName: 'hợp đồng.pdf', appearance: { page: 'last', rect: [10, 10, 200, 50] } });
    expect(ok.appearance?.page).toBe('last');
  });
  it('pdf_bidiControlsInShownText_areRefused (what the dialog shows must read as what is drawn, T24)', async () => {
    const base = { certId: 'c', pdf: h(3), fileName: 'a.pdf' };
    expect((await fails(() => parseParams('sign.pdf', { ...base, appearance: { text: 'Đã xem \u202Edevorppa tnemyaP' } }))).data.detail).toContain('appearance.text');
    expect((await fails(() => parseParams('sign.pdf', { ...base, appearance: { textBoxes: [{ page: 1, rect: [1, 1, 9, 9], text: 'a\u2067b' }] } }))).data.detail).toContain('textBoxes');
    expect((await fails(() => parseParams('sign.pdf', { ...base, reason: 'x\u202Ey' }))).data.detail).toContain('reason');
    expect((await fails(() => parseParams('sign.pdf', { ...base, fileName: 'invoice\u202Efdp.exe' }))).data.detail).toContain('fileName');
    // Line breaks stay allowed in the stamp's own text (the VNPT mapping joins its lines with them).
    expect((await parseParams('sign.pdf', { ...base, appearance: { text: 'Dòng 1\nDòng 2' } })).appearance?.text).toBe('Dòng 1\nDòng 2');
  });
  it('batch_validatesItemsAndTheirKinds', async () => {
    const good = { certId: 'c', label: 'Hóa đơn', items: [{ kind: 'hash', params: { hash: h(32), hashAlgorithm: 'SHA-256' } }] };
    expect((await parseParams('sign.batch', good)).items).toHaveLength(1);
    expect((await fails(() => parseParams('sign.batch', { ...good, items: [] }))).reason).toBe('INVALID_PARAMS');
    expect((await fails(() => parseParams('sign.batch', { ...good, items: [{ kind: 'zip', params: {} }] }))).reason).toBe('INVALID_PARAMS');
    const withCertId = { ...good, items: [{ kind: 'hash', params: { certId: 'x', hash: h(32), hashAlgorithm: 'SHA-256' } }] };
    expect((await fails(() => parseParams('sign.batch', withCertId))).data.detail).toContain('items.0.params');
    const badLen = { ...good, items: [good.items[0], { kind: 'hash', params: { hash: h(31), hashAlgorithm: 'SHA-256' } }] };
    const e = (await fails(() => parseParams('sign.batch', badLen)));
    expect(e.reason).toBe('HASH_LENGTH_INVALID');
    expect(e.data.detail).toContain('items.1');
    const tooMany = { ...good, items: Array.from({ length: 5001 }, () => good.items[0]) };
    expect((await fails(() => parseParams('sign.batch', tooMany))).reason).toBe('INVALID_PARAMS');
  });
  it('filter_isStrict', async () => {
    expect((await parseParams('certificates.list', { filter: { onlyValid: false, taxCode: '0101234567' } })).filter?.onlyValid).toBe(false);
    expect((await fails(() => parseParams('certificates.list', { filter: { thumbprintSha256: 'abc' } }))).data.detail).toContain('thumbprintSha256');
    expect((await fails(() => parseParams('certificates.list', { filter: { nope: 1 } }))).reason).toBe('INVALID_PARAMS');
  });
});

describe('parseParams: the decoded base64 of a large message (Base64Literal)', () => {
  it('base64Fields_giveTheSameAnswersAsForTheText', async () => {
    const doc = new Uint8Array(30).fill(9);
    const parsed = await parseParams('sign.pdf', { certId: 'c', fileName: 'a.pdf', pdf: new Base64Literal(40, doc) });
    expect(parsed.pdf).toBe(doc);
    // Over the field's limit by its length in characters, like a text of that length, whatever it decoded to.
    const big = await fails(() => parseParams('sign.pdf', { certId: 'c', fileName: 'a.pdf', pdf: new Base64Literal(MAX_DOCUMENT_BASE64_CHARS + 4, doc) }));
    expect(big.reason).toBe('PAYLOAD_TOO_LARGE');
    expect((await fails(() => parseParams('sign.hash', { certId: 'c', hash: new Base64Literal(300_000, doc), hashAlgorithm: 'SHA-256' }))).reason).toBe('PAYLOAD_TOO_LARGE');
    const bad = await fails(() => parseParams('sign.pdf', { certId: 'c', fileName: 'a.pdf', pdf: new Base64Literal(41, null) }));
    expect(bad.reason).toBe('INVALID_PARAMS');
    expect(bad.data.detail).toBe('params.pdf: not standard padded base64');
    expect((await fails(() => parseParams('sign.pdf', { certId: 'c', fileName: 'a.pdf', pdf: 'QUJD=' }))).data.detail).toBe(bad.data.detail);
    const missing = await fails(() => parseParams('sign.pdf', { certId: 'c', fileName: 'a.pdf' }));
    expect(missing.data.detail).toBe('params.pdf: expected string');
    expect((await fails(() => parseParams('sign.pdf', { certId: 'c', fileName: 'a.pdf', pdf: 5 }))).data.detail).toBe('params.pdf: expected string');
  });
  it('elsewhere_isInvalidParams', async () => {
    const lit = new Base64Literal(300_000, new Uint8Array(10));
    for (const params of [
      { certId: lit, fileName: 'a.pdf', pdf: h(3) },
      { certId: 'c', fileName: lit, pdf: h(3) },
      { certId: 'c', fileName: 'a.pdf', pdf: h(3), appearance: lit },
      { certId: 'c', fileName: 'a.pdf', pdf: h(3), appearance: { pages: lit } },
    ]) {
      expect((await fails(() => parseParams('sign.pdf', params))).reason).toBe('INVALID_PARAMS');
    }
    expect((await fails(() => parseParams('sign.xml', { certId: 'c', xml: h(3), profile: 'enveloped', reference: lit }))).reason).toBe('INVALID_PARAMS');
  });
});
