// XML "what you see is what you sign" and HTKK placeholders: describe gives the business facts of e-invoices and
// tax declarations (root element and size otherwise); an empty Signature placeholder in CKyDTu is replaced, and
// xmlsec1 verifies the result. SigningTime carries +07:00.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeXml, signXml } from '../../agent/signing/xmldsig/index.js';
import { fixtureSigner, kyso, tool, workDir } from '../signing/helpers.js';

const sample = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'signing', 'samples', name), 'utf8');
const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
let work: Awaited<ReturnType<typeof workDir>>;
beforeAll(async () => { work = await workDir('xml-facts'); });
afterAll(async () => work.cleanup());

async function xmlsec(xml: Uint8Array, idAttr: string): Promise<{ code: number; out: string }> {
  const root = await work.write('root.pem', kyso.pki.rootCertPem);
  const ca = await work.write('ca.pem', kyso.pki.caCertPem);
  const [attr, el] = idAttr.split('@');
  return tool('xmlsec1', ['--verify', '--trusted-pem', root, '--untrusted-pem', ca, `--id-attr:${attr}`, el!, await work.write('s.xml', xml)]);
}

describe('confirmation facts', () => {
  it('einvoice_formSeriesNumberDatePartiesTotal', async () => {
    const d = (await describeXml(enc(sample('einvoice.xml')), { profile: 'einvoice', hashAlgorithm: 'SHA-256' })).description;
    expect(d.summary?.kind).toBe('einvoice');
    expect(d.summary?.title).not.toMatch(/einvoice/);
    const facts = Object.fromEntries(d.summary!.facts.map((f) => [f.label.split(' / ')[0], f.value]));
    expect(facts).toMatchObject({
      'Mẫu số': '1', 'Ký hiệu': 'C25TKS', 'Số hoá đơn': '00001234', 'Ngày lập': '2025-03-20',
      'Người bán': 'CÔNG TY TNHH KYSO DEMO', 'MST người bán': '0101234567',
      'Người mua': 'CÔNG TY CỔ PHẦN THƯƠNG MẠI ĐÀ NẴNG & CỘNG SỰ', 'MST người mua': '0401987654',
      'Tổng tiền thanh toán': '72.234.000 VND',
    });
  });

  it('tax_formCodePeriodTaxpayer', async () => {
    const d = (await describeXml(enc(sample('tax-01gtgt.xml')), { profile: 'tax', hashAlgorithm: 'SHA-256' })).description;
    const facts = Object.fromEntries(d.summary!.facts.map((f) => [f.label.split(' / ')[0], f.value]));
    expect(d.summary?.kind).toBe('tax');
    expect(facts['Mẫu tờ khai']).toContain('01/GTGT');
    expect(facts['Mẫu tờ khai']).toContain('mã 842');
    expect(facts).toMatchObject({ 'Kỳ kê khai': '03/2025', 'Mã số thuế': '0101234567', 'Người nộp thuế': 'CÔNG TY TNHH KYSO DEMO' });
  });

  it('otherXml_rootElementAndSize', async () => {
    const xml = enc('<?xml version="1.0"?><HopDong xmlns="urn:x"><Ben>A</Ben></HopDong>');
    const d = (await describeXml(xml, { profile: 'enveloped', hashAlgorithm: 'SHA-256' })).description;
    expect(d.summary).toEqual({ kind: 'xml', title: 'Tài liệu XML / XML document', facts: [
      { label: 'Phần tử gốc / Root element', value: '<HopDong>' }, { label: 'Kích thước / Size', value: `${xml.length} byte` },
    ] });
  });
});

describe('HTKK Signature placeholder in CKyDTu', () => {
  it.each([
    ['empty element', '<CKyDTu><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/></CKyDTu>'],
    ['empty SignatureValue', '<CKyDTu>\n    <Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="sigPlaceholder"><SignedInfo/><SignatureValue></SignatureValue></Signature>\n  </CKyDTu>'],
  ])('%s: replaced, one Signature, xmlsec1 verifies', async (_label, cky) => {
    const xml = sample('tax-01gtgt.xml').replace('<CKyDTu/>', cky);
    expect(xml).toContain(cky);
    const out = await signXml(enc(xml), { profile: 'tax', hashAlgorithm: 'SHA-256' }, fixtureSigner('company'));
    const text = Buffer.from(out).toString('utf8');
    expect(text.match(/<Signature[\s>]/g)).toHaveLength(1);
    expect(text).not.toContain('sigPlaceholder');
    expect(text).toMatch(/<CKyDTu>[\s\S]*<Signature [\s\S]*<\/Signature>[\s\S]*<\/CKyDTu>/);
    const r = await xmlsec(out, 'id@HSoKhaiThue');
    expect(r.code, r.out).toBe(0);
  });

  it('einvoice_signingTimeWithVietnamOffset', async () => {
    const out = await signXml(enc(sample('einvoice.xml')), { profile: 'einvoice', hashAlgorithm: 'SHA-256', signingTime: new Date('2026-01-02T20:30:00Z') }, fixtureSigner('company'));
    expect(Buffer.from(out).toString('utf8')).toContain('<SigningTime>2026-01-03T03:30:00+07:00</SigningTime>');
    const r = await xmlsec(out, 'Id@DLHDon');
    expect(r.code, r.out).toBe(0);
  });
});
