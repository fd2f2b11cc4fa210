// Native: the verification service on the other formats and on PDF updates — CAdES detached (with and without its
// content), an e-invoice XMLDSig, content appended after a PDF signature, a second signature, unreadable input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PdfSignOptions } from '../../agent/core/ports.js';
import { reportText } from '../../agent/core/verify/render.js';
import { createCades } from '../../agent/signing/cms/cades.js';
import { createDocumentSigners } from '../../agent/signing/index.js';
import { createDocumentVerifier } from '../../agent/signing/verify/document.js';
import { signXml } from '../../agent/signing/xmldsig/sign.js';
import { fixtureSigner, kyso } from '../signing/helpers.js';
import { makePdf, withIncrementalUpdate } from '../signing/pdf-fixtures/make.js';
import { startLocalTsa, type LocalTsa } from '../signing/tsa-server.js';

let tsa: LocalTsa;
beforeAll(async () => {
  tsa = await startLocalTsa();
});
afterAll(async () => {
  await tsa?.close();
});

const anchors = () => [new Uint8Array(Buffer.from(kyso.pki.rootDerBase64, 'base64')), tsa.pki.root.certDer];
// Offline: the demo PKI publishes no status, and these tests are about the other facts.
const verifier = () => createDocumentVerifier({ anchors, offline: true });
const content = new Uint8Array(Buffer.from('Tờ khai thuế giá trị gia tăng tháng 11/2026\n'.repeat(200)));

async function pdfSigned(input: Uint8Array, name: 'citizen' | 'company'): Promise<Uint8Array> {
  const documents = createDocumentSigners();
  const options: PdfSignOptions = { fileName: 'ho-so.pdf', hashAlgorithm: 'SHA-256', level: 'B-B', signingTime: new Date() };
  return documents.signPdf((await documents.describePdf(input)).plan, options, fixtureSigner(name));
}

describe('verification service: formats', () => {
  it('CAdES detached B-T: timestamp time, level, MST of the company; without its content: cannot be determined', async () => {
    const cms = await createCades({ data: content }, { hashAlgorithm: 'SHA-256', detached: true, signingTime: new Date(), timestamp: { url: tsa.url } }, fixtureSigner('company'));
    const r = await verifier().verify({ document: cms, fileName: 'to-khai.xml.p7s', content });
    expect(r).toMatchObject({ format: 'cms', reason: 'STATUS_UNKNOWN', verdict: 'indeterminate' });
    expect(r.signatures[0]).toMatchObject({
      level: 'B-T', levelName: 'CAdES-B-T', signingTime: { source: 'timestamp', tsa: 'KYSO TEST TSA' }, trust: { anchored: true },
      signer: { identifiers: { taxCode: kyso.pki.certs.company.identifiers.taxCode } }, statusNow: { status: 'notChecked' },
    });
    expect(reportText(r, 'vi')).toContain('Không kiểm tra được (không dùng mạng)');
    const bare = await verifier().verify({ document: cms });
    expect(bare).toMatchObject({ verdict: 'indeterminate', reason: 'CONTENT_MISSING' });
    const other = content.slice();
    other[5] = (other[5] ?? 0) ^ 1;
    expect(await verifier().verify({ document: cms, content: other })).toMatchObject({ verdict: 'invalid', reason: 'MODIFIED' });
  });

  it('e-invoice XMLDSig: claimed signing time (UTC+7), XMLDSig level, tampered amount is MODIFIED', async () => {
    const xml = readFileSync(join(import.meta.dirname, '..', 'signing', 'samples', 'einvoice.xml'));
    const signed = await signXml(new Uint8Array(xml), { profile: 'einvoice', hashAlgorithm: 'SHA-256', signingTime: new Date(), c14n: 'exc-c14n' }, fixtureSigner('citizen'));
    // KeyInfo carries the signer only and a document's caIssuers URL is never fetched: the issuing CA must be in the
    // trust list (the shipped list carries the licensed CAs' issuing CAs for this reason).
    const alone = await verifier().verify({ document: signed, fileName: 'hoa-don.xml' });
    expect(alone).toMatchObject({ verdict: 'indeterminate', reason: 'UNTRUSTED', signatures: [{ trust: { anchored: false, path: [kyso.pki.certs.citizen.commonName] } }] });
    const withCa = createDocumentVerifier({ anchors: () => [...anchors(), new Uint8Array(Buffer.from(kyso.pki.caDerBase64, 'base64'))], offline: true });
    const r = await withCa.verify({ document: signed, fileName: 'hoa-don.xml' });
    expect(r.signatures[0]).toMatchObject({ levelName: 'XMLDSig', signingTime: { source: 'claimed' }, trust: { anchored: true }, integrity: { intact: true } });
    const text = Buffer.from(signed).toString('utf8');
    const m = /<TgTTTBSo>(\d+)<\/TgTTTBSo>/.exec(text) ?? /<(\w+)>(\d{4,})<\/\1>/.exec(text);
    expect(m).not.toBeNull();
    const tampered = new Uint8Array(Buffer.from(text.replace(m![0], m![0].replace(/\d(?=\d*<)/, (d) => String((Number(d) + 1) % 10))), 'utf8'));
    expect(await withCa.verify({ document: tampered })).toMatchObject({ verdict: 'invalid', reason: 'MODIFIED' });
  });

  it('PDF: a second signature and then other content after the last one are named per signature', async () => {
    const once = await pdfSigned(await makePdf({ pages: 1 }), 'citizen');
    const twice = await pdfSigned(once, 'company');
    const after = withIncrementalUpdate(twice);
    const r = await verifier().verify({ document: after, fileName: 'ho-so.pdf' });
    expect(r.changedAfterLastSignature).toBe(true);
    expect(r.signatures.map((s) => s.integrity.changesAfter.map((c) => c.kind))).toEqual([['signature', 'other'], ['other']]);
    const text = reportText(r, 'vi');
    expect(text).toContain('Lưu ý: tài liệu có nội dung được thêm sau chữ ký cuối cùng');
    expect(text).toContain('bản 3: chữ ký khác; bản 4: NỘI DUNG KHÁC');
  });

  it('unreadable input is DOCUMENT_INVALID; a PDF without signatures is NO_SIGNATURE', async () => {
    await expect(verifier().verify({ document: new Uint8Array(Buffer.from('xin chào')) })).rejects.toMatchObject({ reason: 'DOCUMENT_INVALID' });
    expect(await verifier().verify({ document: await makePdf({ pages: 1 }) })).toMatchObject({ verdict: 'invalid', reason: 'NO_SIGNATURE', signatures: [] });
  });
});
