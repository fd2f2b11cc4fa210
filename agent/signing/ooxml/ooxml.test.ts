import { beforeAll, describe, expect, it } from 'vitest';
import { crc32, deflateRawSync } from 'node:zlib';
import type { DigestSigner } from '../../core/ports.js';
import { softwareSigner } from '../testing/software-signer.js';
import { createTestPki, type TestPki } from '../testing/test-pki.js';
import { openOffice, signOffice, verifyOffice } from './index.js';
import { makeDocx } from './testing/make-docx.js';
import { entryData, readZip, writeZip } from './zip.js';

let pki: TestPki;
let rsa: DigestSigner;
let ec: DigestSigner;
const lines = ['CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Tờ trình phê duyệt dự toán năm 2026'];
const docx = makeDocx(lines);
const opts = (o: Partial<Parameters<typeof signOffice>[1]> = {}): Parameters<typeof signOffice>[1] =>
  ({ fileName: 'to-trinh.docx', allowMacros: false, hashAlgorithm: 'SHA-256', signingTime: new Date('2026-12-03T09:00:00Z'), ...o });

beforeAll(async () => {
  pki = await createTestPki();
  const a = await pki.issue('NGUYỄN VĂN AN');
  const b = await pki.issue('TRẦN THỊ BÌNH', 'EC-P256');
  rsa = softwareSigner(a.keyPem, a.certDer, [pki.ca.certDer]);
  ec = softwareSigner(b.keyPem, b.certDer, [pki.ca.certDer]);
});

const names = (b: Uint8Array): string[] => readZip(b).map((e) => e.name);
const text = (b: Uint8Array, name: string): string => Buffer.from(entryData(readZip(b).find((e) => e.name === name)!)).toString('utf8');

describe('signOffice / verifyOffice', () => {
  it('describes a docx: kind, size, SHA-256, first lines', () => {
    const d = openOffice(docx, { fileName: 'to-trinh.docx', allowMacros: false }).description;
    expect(d).toMatchObject({ kind: 'docx', size: docx.length, existingSignatures: 0, macros: false, preview: lines });
    expect(d.sha256Hex).toMatch(/^[0-9a-f]{64}$/);
  });

  it('adds sig1, origin and relationships; the signature verifies and covers the parts', async () => {
    const signed = await signOffice(docx, opts({ comment: 'Đồng ý' }), rsa);
    expect(names(signed)).toEqual(expect.arrayContaining(['_xmlsignatures/origin.sigs', '_xmlsignatures/sig1.xml', '_xmlsignatures/_rels/origin.sigs.rels']));
    expect(text(signed, '[Content_Types].xml')).toContain('PartName="/_xmlsignatures/sig1.xml"');
    expect(text(signed, '_rels/.rels')).toContain('digital-signature/origin');
    const sig = text(signed, '_xmlsignatures/sig1.xml');
    expect(sig).toContain('idOfficeObject');
    expect(sig).toContain('<SignatureComments>Đồng ý</SignatureComments>');
    expect(sig).toContain('RelationshipTransform');
    expect(sig).not.toContain('docProps/core.xml');
    // Unchanged parts are copied as stored.
    const before = readZip(docx).find((e) => e.name === 'word/document.xml')!;
    const after = readZip(signed).find((e) => e.name === 'word/document.xml')!;
    expect(Buffer.from(after.raw).equals(Buffer.from(before.raw))).toBe(true);
    const [r] = await verifyOffice(signed, 'to-trinh.docx', { trustAnchors: [pki.root.certDer] });
    expect(r).toMatchObject({ format: 'ooxml', integrity: true, coversWholeDocument: true, signer: 'NGUYỄN VĂN AN', chainValid: true });
    expect(r!.signingTime?.toISOString()).toBe('2026-12-03T09:00:00.000Z');
    expect(openOffice(signed, { fileName: 'x.docx', allowMacros: false }).description.existingSignatures).toBe(1);
  });

  it('a second signer (ECDSA, SHA-1) adds sig2 and the first stays valid', async () => {
    const once = await signOffice(docx, opts(), rsa);
    const twice = await signOffice(once, opts({ hashAlgorithm: 'SHA-1' }), ec);
    expect(names(twice)).toContain('_xmlsignatures/sig2.xml');
    expect(text(twice, '_xmlsignatures/sig2.xml')).toContain('xmldsig-more#ecdsa-sha1');
    const reports = await verifyOffice(twice, 'to-trinh.docx');
    expect(reports.map((x) => [x.signer, x.integrity, x.coversWholeDocument])).toEqual([['NGUYỄN VĂN AN', true, true], ['TRẦN THỊ BÌNH', true, true]]);
  });

  it('detects a changed part and a changed relationship', async () => {
    const signed = await signOffice(docx, opts(), rsa);
    const tamper = (name: string, from: string, to: string): Uint8Array => writeZip(readZip(signed).map((e) => {
      if (e.name !== name) return e;
      const data = Buffer.from(Buffer.from(entryData(e)).toString('utf8').replace(from, to), 'utf8');
      return { ...e, raw: deflateRawSync(data), compressedSize: deflateRawSync(data).length, size: data.length, crc: crc32(data) };
    }));
    const [a] = await verifyOffice(tamper('word/document.xml', 'năm 2026', 'năm 2027'), 'x.docx');
    expect(a).toMatchObject({ integrity: false, problem: 'part word/document.xml was changed after signing' });
    const [b] = await verifyOffice(tamper('word/_rels/document.xml.rels', 'https://kyso.vn/', 'https://evil.example/'), 'x.docx');
    expect(b).toMatchObject({ integrity: false });
    // Document properties are not signed (as in Office): changing them keeps the signature valid.
    const [c] = await verifyOffice(tamper('docProps/core.xml', 'Tờ trình', 'Tờ trình 2'), 'x.docx');
    expect(c).toMatchObject({ integrity: true });
  });
});

describe('refusals', () => {
  const refused = (bytes: Uint8Array, fileName = 'a.docx', allowMacros = false): string => {
    try {
      openOffice(bytes, { fileName, allowMacros });
    } catch (e) {
      expect(e).toMatchObject({ reason: 'DOCUMENT_INVALID' });
      return String((e as { data: { detail: string } }).data.detail);
    }
    throw new Error('not refused');
  };
  it('encrypted (CFB) files, non-ZIPs and wrong extensions', () => {
    expect(refused(Buffer.from('d0cf11e0a1b11ae1' + '00'.repeat(504), 'hex'))).toMatch(/mật khẩu/);
    expect(refused(Buffer.from('PK not really a zip'))).toMatch(/not a ZIP/);
    expect(refused(docx, 'a.xlsx')).toMatch(/content is a docx/);
    expect(refused(docx, 'a.pdf')).toMatch(/chỉ ký được/);
  });
  it('macros unless allowed', () => {
    const docm = makeDocx(['x'], { 'word/vbaProject.bin': new Uint8Array([1, 2, 3]) }, 'application/vnd.ms-word.document.macroEnabled.main+xml');
    expect(refused(docm, 'a.docm')).toMatch(/macro/);
    expect(refused(docx, 'a.docm')).toMatch(/macro/);
    expect(openOffice(docm, { fileName: 'a.docm', allowMacros: true }).description.macros).toBe(true);
  });
  it('zip bombs, traversal names, too many parts, bad CRC', () => {
    const bomb = makeDocx(['x'], { 'word/media/big.bin': new Uint8Array(20 * 1024 * 1024) });
    expect(refused(bomb)).toMatch(/compression ratio/);
    const rename = (to: string): Uint8Array => writeZip(readZip(docx).map((e) => (e.name === 'word/styles.xml' ? { ...e, name: to } : e)));
    expect(refused(rename('../evil.xml'))).toMatch(/traversal/);
    expect(refused(rename('word/../../evil.xml'))).toMatch(/traversal/);
    expect(refused(rename('/etc/passwd'))).toMatch(/absolute/);
    expect(refused(rename('word\\..\\x.xml'))).toMatch(/forbidden character/);
    expect(refused(rename('WORD/DOCUMENT.XML'))).toMatch(/duplicate/);
    const many: Record<string, string> = {};
    for (let i = 0; i < 4001; i++) many[`p/${i}.xml`] = '';
    expect(refused(makeDocx(['x'], many))).toMatch(/too many entries/);
    const lied = writeZip(readZip(docx).map((e) => (e.name === 'word/document.xml' ? { ...e, size: e.size + 5 } : e)));
    expect(refused(lied)).toMatch(/size does not match|cannot be decompressed/);
    const badCrc = writeZip(readZip(docx).map((e) => (e.name === 'word/document.xml' ? { ...e, crc: (e.crc + 1) >>> 0 } : e)));
    expect(refused(badCrc)).toMatch(/CRC/);
  });
  it('a part first read while signing (styles) with a bad CRC is DOCUMENT_INVALID, not an internal error', async () => {
    const badStyles = writeZip(readZip(docx).map((e) => (e.name === 'word/styles.xml' ? { ...e, crc: (e.crc + 1) >>> 0 } : e)));
    await expect(signOffice(badStyles, opts(), rsa)).rejects.toMatchObject({ reason: 'DOCUMENT_INVALID', data: { detail: expect.stringMatching(/CRC/) } });
  });
  it('a relationship leading outside the package is refused before any dialog', () => {
    const escape = makeDocx(['x'], { 'word/_rels/document.xml.rels': '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="../../../etc/passwd"/></Relationships>' });
    expect(refused(escape)).toMatch(/outside the package/);
  });
});
