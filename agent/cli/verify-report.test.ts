// Unit tests of `kyso-agent verify` pieces: format sniffing, trust files, the JSON summary, argument parsing.
import { describe, expect, it } from 'vitest';
import { VALID_FACTS } from '../core/testing/verify-facts.js';
import { withVerdict } from '../core/verify/verdict.js';
import { progressBar } from './sign-progress.js';
import { parseVerifyArgs } from './verify.js';
import { readCertificates, signatureView, sniffFormat } from './verify-report.js';

const b = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('sniffFormat', () => {
  it.each([
    ['%PDF-1.7\n...', 'pdf'],
    ['\xEF\xBB\xBF  <?xml version="1.0"?><a/>', 'xml'],
    ['<HDon/>', 'xml'],
    ['\x30\x82\x01\x00', 'cms'],
    ['PK\x03\x04....', 'ooxml'],
  ])('%j is %s', (text, format) => {
    expect(sniffFormat(b(text))?.format).toBe(format);
  });
  it('pemCms_isDecoded', () => {
    const r = sniffFormat(b(`-----BEGIN PKCS7-----\n${Buffer.from([0x30, 0x03, 1, 2, 3]).toString('base64')}\n-----END PKCS7-----\n`));
    expect(r?.format).toBe('cms');
    expect([...r!.bytes]).toEqual([0x30, 0x03, 1, 2, 3]);
  });
  it('other_isNull', () => expect(sniffFormat(b('hello'))).toBeNull());
});

describe('readCertificates', () => {
  it('pemBundle_andDer', () => {
    const pem = ['a', 'b'].map((x) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(`0${x}`).toString('base64')}\n-----END CERTIFICATE-----`).join('\n');
    expect(readCertificates(b(pem))).toHaveLength(2);
    expect(readCertificates(Uint8Array.of(0x30, 0))).toHaveLength(1);
    expect(readCertificates(b('nothing'))).toHaveLength(0);
  });
});

describe('signatureView', () => {
  it('summarises_theReport', () => {
    expect(signatureView(withVerdict(VALID_FACTS))).toMatchObject({ id: 'Signature1', signer: 'NGUYỄN VĂN AN', integrity: true, chainValid: true, coversWholeDocument: true, ok: true, timestamp: { valid: true, tsa: 'KYSO TEST TSA' } });
    expect(signatureView(withVerdict({ ...VALID_FACTS, trust: { ...VALID_FACTS.trust, anchored: false } }))).toMatchObject({ chainValid: false, ok: false });
  });
});

describe('parseVerifyArgs and progressBar', () => {
  it('verifyArgs', () => {
    expect(parseVerifyArgs(['a.pdf', '--trust', 'r.pem', '--trust', 'c.pem', '--json'])).toEqual({ files: ['a.pdf'], trust: ['r.pem', 'c.pem'], json: true, lang: 'vi', offline: false });
    expect(parseVerifyArgs(['a.pdf', '--lang', 'en', '--offline'])).toMatchObject({ lang: 'en', offline: true });
    expect(() => parseVerifyArgs(['a.pdf', '--lang', 'fr'])).toThrow(/vi or en/);
    expect(() => parseVerifyArgs(['--json'])).toThrow(/no file/);
    expect(() => parseVerifyArgs(['a', '--bogus'])).toThrow();
  });
  it('progressBar_fillsProportionally', () => {
    expect(progressBar(0, 4, 40)).toMatch(/^\[\.+\] 0\/4 {3}0%$/);
    expect(progressBar(2, 4, 40)).toContain('2/4  50%');
    expect(progressBar(4, 4, 40)).toMatch(/^\[#+\] 4\/4 100%$/);
  });
});
