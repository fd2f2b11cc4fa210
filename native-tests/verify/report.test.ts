// Native: the Vietnamese verification report for valid, tampered, revoked-at-signing, untrusted and expired PDF
// signatures, over the status test PKI (OCSP/CRL on loopback) and a local TSA. Times, digests and sizes change per
// run (fresh PKI, fresh signatures) and are replaced by placeholders; everything else is the snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateStatusService } from '../../agent/certs/status/service.js';
import type { DigestSigner, PdfSignOptions } from '../../agent/core/ports.js';
import { longTermMaterial } from '../../agent/core/status/long-term.js';
import { renderReport, reportText } from '../../agent/core/verify/render.js';
import type { VerificationReport } from '../../agent/core/verify/report.js';
import { createDocumentSigners } from '../../agent/signing/index.js';
import { createDocumentVerifier } from '../../agent/signing/verify/document.js';
import { softwareSigner } from '../../agent/signing/testing/software-signer.js';
import { startStatusFixture, type StatusFixture } from '../fixtures/status.js';
import { fixtureSigner, kyso } from '../signing/helpers.js';
import { makePdf } from '../signing/pdf-fixtures/make.js';
import { startLocalTsa, type LocalTsa } from '../signing/tsa-server.js';

let f: StatusFixture;
let tsa: LocalTsa;
let pdf: Uint8Array;

beforeAll(async () => {
  [f, tsa] = await Promise.all([startStatusFixture(), startLocalTsa()]);
  pdf = await makePdf({ pages: 1 });
});
afterAll(async () => {
  await Promise.all([f?.close(), tsa?.close()]);
});

const der = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const statusService = (anchors: Uint8Array[] = [f.pki.root.der]) => new CertificateStatusService({ anchors: () => anchors, allowPrivate: true, timeoutMs: 3000 });
const statusSigner = (name: 'good' | 'revoked'): DigestSigner => softwareSigner(f.pki.certs[name].key.pkcs8Pem, f.pki.certs[name].der, [f.pki.ca.der]);

async function signPdf(signer: DigestSigner, level: PdfSignOptions['level'], input = pdf): Promise<Uint8Array> {
  const documents = createDocumentSigners();
  const options: PdfSignOptions = { fileName: 'hop-dong.pdf', hashAlgorithm: 'SHA-256', level: level === 'B-B' ? 'B-B' : 'B-T', signingTime: new Date(), ...(level === 'B-B' ? {} : { timestamp: { url: tsa.url } }) };
  return documents.signPdf((await documents.describePdf(input)).plan, options, signer);
}

/** Adds a DSS with the given validation data (B-LT), as sign.pdf does after the signature timestamp. */
async function withDss(signed: Uint8Array, validation: { certs: Uint8Array[]; ocsps: Uint8Array[]; crls: Uint8Array[] }): Promise<Uint8Array> {
  return createDocumentSigners().extendPdf!(signed, { level: 'B-LT', validation, hashAlgorithm: 'SHA-256' });
}

async function verify(file: Uint8Array, anchors: Uint8Array[]): Promise<VerificationReport> {
  // One anchor set for the chain and the status service, as the composition roots wire them.
  return createDocumentVerifier({ anchors: () => anchors, status: statusService(anchors) }).verify({ document: file, fileName: 'hop-dong.pdf' });
}

/** The report text with the per-run values (times, digests, sizes) replaced. */
function stable(text: string): string {
  return text
    .replace(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}/g, '<thời điểm>')
    .replace(/\d{2}\/\d{2}\/\d{4}/g, '<ngày>')
    .replace(/[0-9a-f]{64}/g, '<sha256>')
    .replace(/[\d.]+ byte/g, '<n> byte');
}

const anchorsAll = () => [f.pki.root.der, tsa.pki.root.certDer];

describe('verification report (Vietnamese)', () => {
  it('valid: PAdES B-LT by a good certificate, status good at signing (DSS) and now (OCSP)', async () => {
    const signed = await signPdf(statusSigner('good'), 'B-T');
    const lt = await withDss(signed, await longTermMaterial(statusService(), f.pki.certs.good.der, [f.pki.ca.der]));
    const r = await verify(lt, anchorsAll());
    expect(r).toMatchObject({ verdict: 'valid', reason: 'OK', changedAfterLastSignature: false });
    expect(r.signatures[0]).toMatchObject({
      level: 'B-LT', signingTime: { source: 'timestamp', tsa: 'KYSO TEST TSA' }, trust: { anchored: true, anchor: 'KYSO STATUS TEST ROOT' },
      statusAtSigning: { status: 'good', source: 'ocsp' }, statusNow: { status: 'good' }, signer: { identifiers: { citizenId: '001099000100' } },
      integrity: { intact: true, changesAfter: [{ kind: 'validationData' }] },
    });
    expect(stable(reportText(r, 'vi'))).toMatchSnapshot();
    expect(stable(reportText(r, 'en'))).toMatchSnapshot();
  });

  it('tampered: a byte of the signed range changed', async () => {
    const signed = await signPdf(statusSigner('good'), 'B-T');
    const text = Buffer.from(signed).toString('latin1');
    const at = text.indexOf('/MediaBox');
    expect(at).toBeGreaterThan(0);
    const tampered = signed.slice();
    tampered[at + 1] = 'm'.charCodeAt(0); // /MediaBox → /mediaBox, inside the first byte range
    const r = await verify(tampered, anchorsAll());
    expect(r).toMatchObject({ verdict: 'invalid', reason: 'MODIFIED' });
    expect(stable(reportText(r, 'vi'))).toMatchSnapshot();
  });

  it('revoked at signing: the embedded OCSP answer says revoked before the timestamp', async () => {
    const signed = await signPdf(statusSigner('revoked'), 'B-T');
    const evidence = (await statusService().check({ certificate: f.pki.certs.revoked.der, candidates: [f.pki.ca.der], purpose: 'token', fresh: true, allSources: true })).evidence!;
    expect(evidence.ocspResponses.length).toBeGreaterThan(0);
    const r = await verify(await withDss(signed, { certs: [f.pki.ca.der], ocsps: evidence.ocspResponses, crls: [] }), anchorsAll());
    expect(r).toMatchObject({ verdict: 'invalid', reason: 'REVOKED_BEFORE_SIGNING' });
    expect(r.signatures[0]).toMatchObject({ statusAtSigning: { status: 'revoked', revocationReason: 'keyCompromise', source: 'ocsp' }, statusNow: { status: 'revoked' } });
    expect(stable(reportText(r, 'vi'))).toMatchSnapshot();
  });

  it('untrusted: the signer chains to a root that is not an anchor (and no network is used for it)', async () => {
    const signed = await signPdf(statusSigner('good'), 'B-T');
    const hits = () => Object.values(f.responder.hits).reduce((a, b) => a + b, 0);
    const before = hits();
    const r = await verify(signed, [tsa.pki.root.certDer]);
    expect(r).toMatchObject({ verdict: 'indeterminate', reason: 'UNTRUSTED' });
    expect(r.signatures[0]).toMatchObject({ trust: { anchored: false }, statusNow: { status: 'unknown' } });
    expect(hits()).toBe(before);
    expect(stable(reportText(r, 'vi'))).toMatchSnapshot();
  });

  it('expired: the certificate had expired when it signed (no timestamp)', async () => {
    const signed = await signPdf(fixtureSigner('expired'), 'B-B');
    const r = await verify(signed, [der(kyso.pki.rootDerBase64)]);
    expect(r).toMatchObject({ verdict: 'invalid', reason: 'EXPIRED_AT_SIGNING' });
    expect(r.signatures[0]).toMatchObject({ level: 'B-B', signingTime: { source: 'claimed' }, validity: { atSigning: 'expired', now: 'expired' } });
    expect(stable(reportText(r, 'vi'))).toMatchSnapshot();
  });

  it('renders sections the page can draw, with a Vietnamese verdict word', async () => {
    const r = await verify(await signPdf(statusSigner('good'), 'B-T'), anchorsAll());
    const x = renderReport(r, 'vi');
    expect(x.verdictWord).toBe('HỢP LỆ');
    expect(x.signatures[0]!.rows.map((row) => row.label)).toEqual(expect.arrayContaining(['Người ký', 'Thời điểm ký', 'Toàn vẹn', 'Đường tin cậy', 'Trạng thái khi ký', 'Trạng thái hiện nay', 'Định dạng chữ ký']));
  });
});
