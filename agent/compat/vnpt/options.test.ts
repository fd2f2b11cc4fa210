// The option readers on their own: hash names, the plugin's time format, XmlSigner targets, PdfSigner flags.
import { describe, expect, it } from 'vitest';
import { hashName, xmlParams } from './options.js';
import { formatVnptTime, parseVnptTime, pdfParams } from './pdf-options.js';

describe('VNPT option readers', () => {
  it('hashName reads the script names, signature methods and XML-DSig URIs; unknown names are undefined', () => {
    expect(['SHA1', 'sha256', 'SHA-384', 'RSAwithSHA512', 'http://www.w3.org/2001/04/xmlenc#sha256'].map(hashName)).toEqual(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', 'SHA-256']);
    expect(hashName('MD5')).toBeUndefined();
    expect(hashName('SHA2560')).toBeUndefined();
    expect(hashName(256)).toBeUndefined();
  });

  it('parseVnptTime reads both orders, rejects impossible dates, and round-trips formatVnptTime', () => {
    expect(parseVnptTime('16:05:09 03/12/2026')?.getTime()).toBe(new Date(2026, 11, 3, 16, 5, 9).getTime());
    expect(parseVnptTime('3/12/2026 7:05:09')?.getTime()).toBe(new Date(2026, 11, 3, 7, 5, 9).getTime());
    expect(parseVnptTime('31/02/2026 10:00:00')).toBeUndefined();
    expect(parseVnptTime('25:00:00 01/01/2026')).toBeUndefined();
    expect(parseVnptTime('yesterday')).toBeUndefined();
    const d = new Date(2026, 0, 2, 3, 4, 5);
    expect(formatVnptTime(d)).toBe('03:04:05 02/01/2026');
    expect(parseVnptTime(formatVnptTime(d))?.getTime()).toBe(d.getTime());
  });

  it('XmlSigner: the stronger of DigestMethod and SignatureMethod wins; SHA-1 when neither is named; other signing types refused', () => {
    expect(xmlParams({ DigestMethod: 'SHA1', SignatureMethod: 'RSAwithSHA256' }, '<a/>').hashAlgorithm).toBe('SHA-256');
    expect(xmlParams({}, '<a/>').hashAlgorithm).toBe('SHA-1');
    expect(xmlParams({ NodeToSign: '#data' }, '<a><b Id="data"/></a>').reference).toEqual({ id: 'data' });
    // TagSigning without an Id attribute: no reference (the whole document is signed).
    expect(xmlParams({ TagSigning: 'b' }, '<a><b/></a>').reference).toBeUndefined();
    // A hostile tag name never becomes a regular expression.
    expect(xmlParams({ TagSigning: 'b|.*' }, '<a><b Id="x"/></a>').reference).toBeUndefined();
    expect(() => xmlParams({ SigningType: 'Enveloping' }, '<a/>')).toThrow(/Enveloping/);
  });

  it('PdfSigner: OnlyDescription shows the description alone; SigCompanyVisible adds the organisation; PagesArray picks the first page', () => {
    const who = { commonName: 'NGUYỄN VĂN AN', organization: 'CÔNG TY TNHH KYSO', now: new Date(2026, 11, 3, 9, 0, 0) };
    const rect = { llx: 0, lly: 0, urx: 100, ury: 50 };
    expect((pdfParams({ ...rect, Description: 'Chỉ mô tả', OnlyDescription: true }, who).appearance as { text: string }).text).toBe('Chỉ mô tả');
    const full = pdfParams({ ...rect, SigCompanyVisible: 'true', sigUpperCase: true, Signer: 'Nguyễn Văn An', PagesArray: '3,4', SigTextSize: 200 }, who).appearance as { text: string; page: number; fontSize: number };
    expect(full.text.split('\n')).toEqual(['Ký bởi: NGUYỄN VĂN AN', 'Đơn vị: CÔNG TY TNHH KYSO', 'Ngày ký: 09:00:00 03/12/2026']);
    expect(full.page).toBe(3);
    expect(full.fontSize).toBe(72);
    expect(pdfParams({ ...rect, SigType: 2, ImageBase64: 'iVBO' }, who).appearance).toMatchObject({ text: '', image: 'iVBO' });
    expect(pdfParams({ ...rect, TsaUrl: 'http://tsa.example/', DigestAlgorithm: 'SHA256' }, who)).toMatchObject({ level: 'B-T', timestamp: { url: 'http://tsa.example/' }, hashAlgorithm: 'SHA-256' });
  });
});
