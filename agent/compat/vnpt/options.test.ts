// The option readers on their own: hash names, the plugin's time format, XmlSigner targets, every PdfSigner option.
import { describe, expect, it } from 'vitest';
import { hashName, xmlParams, xmlProfile } from './options.js';
import { parseVnptTime } from './cert-checks.js';
import { dnAttribute, pdfParams, vnptColor, vnptRect } from './pdf-options.js';

const who = { commonName: 'NGUYỄN VĂN AN', organization: 'CÔNG TY TNHH KYSO', dn: 'CN=NGUYỄN VĂN AN,OU=Phòng Kế toán,O=CÔNG TY TNHH KYSO,E=an@kyso.vn,C=VN' };
const rect = { llx: 0, lly: 0, urx: 100, ury: 50 };
type Appearance = { text: string; page: number; pages?: unknown; fontSize: number; textColor?: string; textBoxes?: unknown[] };
const appearanceOf = (o: Record<string, unknown>): Appearance => pdfParams(o, who).appearance as Appearance;

describe('VNPT option readers', () => {
  it('hashName reads the script names, signature methods and XML-DSig URIs; unknown names are undefined', () => {
    expect(['SHA1', 'sha256', 'SHA-384', 'RSAwithSHA512', 'http://www.w3.org/2001/04/xmlenc#sha256'].map(hashName)).toEqual(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', 'SHA-256']);
    expect(hashName('MD5')).toBeUndefined();
    expect(hashName('SHA2560')).toBeUndefined();
    expect(hashName(256)).toBeUndefined();
  });

  it('parseVnptTime reads both orders and rejects impossible dates', () => {
    expect(parseVnptTime('16:05:09 03/12/2026')?.getTime()).toBe(new Date(2026, 11, 3, 16, 5, 9).getTime());
    expect(parseVnptTime('3/12/2026 7:05:09')?.getTime()).toBe(new Date(2026, 11, 3, 7, 5, 9).getTime());
    expect(parseVnptTime('31/02/2026 10:00:00')).toBeUndefined();
    expect(parseVnptTime('25:00:00 01/01/2026')).toBeUndefined();
    expect(parseVnptTime('yesterday')).toBeUndefined();
  });

  it('XmlSigner: the stronger of DigestMethod and SignatureMethod wins; SHA-1 when neither is named; other signing types refused', async () => {
    expect((await xmlParams({ DigestMethod: 'SHA1', SignatureMethod: 'RSAwithSHA256' }, '<a/>')).hashAlgorithm).toBe('SHA-256');
    expect((await xmlParams({}, '<a/>')).hashAlgorithm).toBe('SHA-1');
    expect((await xmlParams({ NodeToSign: '#data' }, '<a><b Id="data"/></a>')).reference).toEqual({ id: 'data' });
    // TagSigning without an Id attribute: no reference (the whole document is signed).
    expect((await xmlParams({ TagSigning: 'b' }, '<a><b/></a>')).reference).toBeUndefined();
    // A hostile tag name never becomes a regular expression.
    expect((await xmlParams({ TagSigning: 'b|.*' }, '<a><b Id="x"/></a>')).reference).toBeUndefined();
    await expect(xmlParams({ SigningType: 'Enveloping' }, '<a/>')).rejects.toThrow(/Enveloping/);
  });

  it('PdfSigner: OnlyDescription shows the description alone; SigCompanyVisible adds the organisation', () => {
    expect(appearanceOf({ ...rect, Description: 'Chỉ mô tả', labelDescription: 'Nội dung:', OnlyDescription: true }).text).toBe('Nội dung: Chỉ mô tả');
    const full = appearanceOf({ ...rect, SigCompanyVisible: 'true', sigUpperCase: true, Signer: 'Nguyễn Văn An', SigTextSize: 200 });
    expect(full.text.split('\n')).toEqual(['Ký bởi: NGUYỄN VĂN AN', 'Đơn vị: CÔNG TY TNHH KYSO', 'Ngày ký: {signingTime}']);
    expect(full.fontSize).toBe(72);
    expect(appearanceOf({ ...rect, SigType: 2, ImageBase64: 'iVBO' })).toMatchObject({ text: '', image: 'iVBO', layout: 'image' });
    expect(pdfParams({ ...rect, TsaUrl: 'http://tsa.example/', DigestAlgorithm: 'SHA256' }, who)).toMatchObject({ level: 'B-T', timestamp: { url: 'http://tsa.example/' }, hashAlgorithm: 'SHA-256' });
  });

  it('PdfSigner: every visible line honours its switch, in the plugin order', () => {
    const all = appearanceOf({
      ...rect, Signer: 'Trần Thị B', sigCombineCNAndOU: true, SigCompanyVisible: true, SigEmailVisible: true, SignerPosition: 'Giám đốc',
      SigPositionVisible: true, labelDescription: 'Lý do:', Description: 'Phê duyệt', DocumentNumber: '12/QĐ-UBND', DocumentDate: '03/12/2026',
    });
    expect(all.text.split('\n')).toEqual([
      'Ký bởi: Trần Thị B - Phòng Kế toán', 'Đơn vị: CÔNG TY TNHH KYSO', 'Email: an@kyso.vn', 'Chức vụ: Giám đốc', 'Lý do: Phê duyệt',
      'Ngày ký: {signingTime}', 'Số: 12/QĐ-UBND', 'Ngày văn bản: 03/12/2026',
    ]);
    // Every switch off: nothing but the description.
    const none = appearanceOf({ ...rect, SigSignerVisible: false, SigPositionVisible: 'false', SignerPosition: 'x', SigSigningTimeVisible: 0, SigEmailVisible: false, Description: 'D' });
    expect(none.text).toBe('D');
    // sigOULabel: the unit on a line of its own; the certificate's CN when the page names no Signer.
    expect(appearanceOf({ ...rect, sigOULabel: 'Bộ phận:', SigSigningTimeVisible: false }).text.split('\n')).toEqual(['Ký bởi: NGUYỄN VĂN AN', 'Bộ phận: Phòng Kế toán']);
  });

  it('PdfSigner: colour, bold, bottom alignment and the image under the text', () => {
    const a = appearanceOf({ ...rect, SigColorRGB: '0,0,255', sigBold: true, textAlignBottom: 'true', SigType: 1, ImageBase64: 'iVBO', SetImageBackground: true });
    expect(a).toMatchObject({ textColor: '#0000FF', bold: true, verticalAlign: 'bottom', layout: 'image-background', image: 'iVBO' });
    expect(vnptColor('255;0;16')).toBe('#FF0010');
    expect(vnptColor('#a0b0c0')).toBe('#A0B0C0');
    expect(vnptColor('300,0,0')).toBeUndefined();
    expect(vnptColor('red')).toBeUndefined();
    expect(appearanceOf({ ...rect, SigColorRGB: 'red' }).textColor).toBeUndefined();
  });

  it('PdfSigner: PagesArray and sigAllPages put the stamp on several pages', () => {
    expect(appearanceOf({ ...rect, PagesArray: '3,4,3' })).toMatchObject({ page: 3, pages: [3, 4] });
    expect(appearanceOf({ ...rect, PagesArray: [2] })).toMatchObject({ page: 2 });
    expect(appearanceOf({ ...rect, PagesArray: [2] }).pages).toBeUndefined();
    expect(appearanceOf({ ...rect, page: 2, sigAllPages: true })).toMatchObject({ page: 2, pages: 'all' });
  });

  it('PdfSigner: DocumentNumber/Date with a box are written there; listComment gives one box per comment', () => {
    const a = appearanceOf({
      ...rect, page: 2, SigColorRGB: '255,0,0', SigTextSize: 11,
      DocumentNumber: '12/QĐ-UBND', DocumentNumberRec: '100,700,220,720', DocumentNumberPage: 1, docNumberItalic: true,
      DocumentDate: '03/12/2026', DocumentDateRec: [300, 700, 420, 720],
      commentItalic: true, commentFontSize: 8,
      listComment: JSON.stringify([{ Description: 'Đã xem', page: 3, llx: 10, lly: 10, urx: 110, ury: 40, commentFontSize: 14, OnlyDescription: true }, { Description: '' }]),
    });
    expect(a.text).not.toContain('Số:');
    expect(a.textBoxes).toEqual([
      { page: 1, rect: [100, 700, 120, 20], text: '12/QĐ-UBND', textColor: '#FF0000', fontSize: 11, italic: true },
      { page: 2, rect: [300, 700, 120, 20], text: '03/12/2026', textColor: '#FF0000', fontSize: 11 },
      { page: 3, rect: [10, 10, 100, 30], text: 'Đã xem', textColor: '#FF0000', fontSize: 14, italic: true },
    ]);
    // Invisible signature: the boxes are still written.
    expect(pdfParams({ DocumentNumber: '5', DocumentNumberRec: { llx: 1, lly: 1, urx: 50, ury: 20 } }, who).appearance).toEqual({ visible: false, textBoxes: [{ page: 1, rect: [1, 1, 49, 19], text: '5' }] });
    expect(() => pdfParams({ ...rect, DocumentNumber: '5', DocumentNumberRec: '1,2' }, who)).toThrow(/DocumentNumberRec/);
    expect(() => pdfParams({ ...rect, listComment: [{ Description: 'x' }] }, who)).toThrow(/listComment\[0\]/);
    expect(() => pdfParams({ ...rect, listComment: '{' }, who)).toThrow(/listComment/);
    expect(() => pdfParams({ ...rect, listComment: Array.from({ length: 49 }, () => ({ Description: 'x', ...rect })) }, who)).toThrow(/48/);
  });

  it('vnptRect and dnAttribute read the shapes portals send', () => {
    expect(vnptRect('10, 20, 110, 70')).toEqual([10, 20, 100, 50]);
    expect(vnptRect({ llx: '1', lly: 2, urx: 3, ury: 4 })).toEqual([1, 2, 2, 2]);
    expect(vnptRect([5, 5, 5, 10])).toBeUndefined();
    expect(vnptRect('a,b,c,d')).toBeUndefined();
    expect(dnAttribute('CN=A\\, B,OU=Phòng 1+E=x@y.vn,O=C', 'OU')).toBe('Phòng 1');
    expect(dnAttribute('CN=A\\, B,O=C', 'CN')).toBe('A, B');
    expect(dnAttribute('CN=A', 'OU')).toBeUndefined();
  });

  it('XmlSigner on a large document: the root after a prologue, a TagSigning Id across the search windows (T22)', async () => {
    expect(xmlProfile('<?xml version="1.0"?>\n<!-- <HSoThueDTu> --><?pi <x>?>\n<inv:HDon xmlns:inv="u"><a/></inv:HDon>')).toBe('einvoice');
    expect(xmlProfile(`<!-- ${'<'.repeat(10_000)} -->${'<'.repeat(5_000)}<HDon/>`)).toBe('enveloped');
    expect(xmlProfile('<?unterminated <HSoThueDTu/>')).toBe('tax');
    // The start tag begins just before the 1 Mi-character window boundary and carries its Id just after it.
    const pad = 'x'.repeat(1024 * 1024 - 20);
    const xml = `<r><t>${pad}</t><DLHDon data="${'y'.repeat(40)}" Id="inv-1"><b/></DLHDon><DLHDon Id="inv-2"/></r>`;
    expect((await xmlParams({ TagSigning: 'DLHDon' }, xml)).reference).toEqual({ id: 'inv-1' });
    expect((await xmlParams({ TagSigning: 'DLHDon' }, `${xml}${'z'.repeat(3 * 1024 * 1024)}`)).reference).toEqual({ id: 'inv-1' });
  });
});
