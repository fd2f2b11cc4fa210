// Unit tests of `kyso-agent verify` pieces: format sniffing, trust files, verdicts, text output, argument parsing.
import { describe, expect, it } from 'vitest';
import type { SignatureReport } from '../signing/index.js';
import { progressBar } from './sign-progress.js';
import { parseVerifyArgs } from './verify.js';
import { fileText, readCertificates, sniffFormat, viewOfPdfReport, viewOfReport } from './verify-report.js';

const b = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('sniffFormat', () => {
  it.each([
    ['%PDF-1.7\n...', 'pdf'],
    ['\xEF\xBB\xBF  <?xml version="1.0"?><a/>', 'xml'],
    ['<HDon/>', 'xml'],
    ['\x30\x82\x01\x00', 'cms'],
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

const good: SignatureReport = { format: 'cms', id: '0', signer: 'NGUYỄN VĂN AN', integrity: true, coversWholeDocument: true, signingTime: new Date('2025-03-04T05:06:07Z'), chainValid: true };

describe('verdicts', () => {
  it('ok_needsIntegrity_noFailedChain_noFailedTimestamp', () => {
    expect(viewOfReport(good).ok).toBe(true);
    expect(viewOfReport({ ...good, chainValid: undefined }).ok).toBe(true);
    expect(viewOfReport({ ...good, integrity: false, problem: 'digest mismatch' }).ok).toBe(false);
    expect(viewOfReport({ ...good, chainValid: false, chainProblem: 'untrusted' }).ok).toBe(false);
    expect(viewOfReport({ ...good, timestamp: { genTime: new Date(), valid: false, problem: 'imprint' } }).ok).toBe(false);
  });
  it('pdf_withoutSignerCertificateButTrust_isChainFailure', async () => {
    const v = await viewOfPdfReport({ fieldName: 'Sig1', signer: undefined, signingTime: undefined, integrity: true, coversWholeDocument: false, subFilter: 'ETSI.CAdES.detached', timestamped: true }, [Uint8Array.of(0x30)], []);
    expect(v).toMatchObject({ ok: false, chainValid: false, timestamp: { valid: null }, coversWholeDocument: false });
  });
  it('pdf_cmsRecheck_suppliesTimestampAndChain', async () => {
    const when = new Date('2025-03-04T05:06:10Z');
    const v = await viewOfPdfReport({ fieldName: 'Sig1', signer: 'A', signingTime: undefined, integrity: true, coversWholeDocument: true, subFilter: undefined, timestamped: true }, [], [], { ...good, timestamp: { genTime: when, valid: true, tsa: 'TSA' } });
    expect(v).toMatchObject({ ok: true, chainValid: true, timestamp: { time: when.toISOString(), valid: true, tsa: 'TSA' } });
  });
});

describe('fileText', () => {
  it('bilingualLines_forEveryProperty', () => {
    const t = fileText({ file: 'a.p7s', format: 'cms', ok: true, error: null, signatures: [viewOfReport({ ...good, chainValid: undefined })] });
    expect(t).toContain('HỢP LỆ / VALID  a.p7s (CMS)');
    expect(t).toContain('Người ký / Signer: NGUYỄN VĂN AN');
    expect(t).toContain('2025-03-04T05:06:07.000Z');
    expect(t).toContain('nguyên vẹn / intact');
    expect(t).toContain('not checked (no --trust)');
    expect(t).toContain('toàn bộ tài liệu / whole document');
  });
  it('errorAndNoSignatures', () => {
    expect(fileText({ file: 'x', format: null, ok: false, error: { reason: 'DOCUMENT_INVALID', detail: 'not a PDF' }, signatures: [] })).toContain('DOCUMENT_INVALID: not a PDF');
    expect(fileText({ file: 'x', format: 'pdf', ok: false, error: null, signatures: [] })).toContain('No signatures');
  });
});

describe('parseVerifyArgs and progressBar', () => {
  it('verifyArgs', () => {
    expect(parseVerifyArgs(['a.pdf', '--trust', 'r.pem', '--trust', 'c.pem', '--json'])).toEqual({ files: ['a.pdf'], trust: ['r.pem', 'c.pem'], json: true });
    expect(() => parseVerifyArgs(['--json'])).toThrow(/no file/);
    expect(() => parseVerifyArgs(['a', '--bogus'])).toThrow();
  });
  it('progressBar_fillsProportionally', () => {
    expect(progressBar(0, 4, 40)).toMatch(/^\[\.+\] 0\/4 {3}0%$/);
    expect(progressBar(2, 4, 40)).toContain('2/4  50%');
    expect(progressBar(4, 4, 40)).toMatch(/^\[#+\] 4\/4 100%$/);
  });
});
