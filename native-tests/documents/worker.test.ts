// The document worker runs the real XML and Office code (agent/signing/worker/entry.ts, bundled as the build does):
// the same descriptions, the same signed bytes, the same verification reports and the same refusals as the agent's
// own thread, with the signature asked of the agent's signer across the thread boundary.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestSigner, DocumentSigners } from '../../agent/core/ports.js';
import { createDocumentSigners } from '../../agent/signing/index.js';
import { makeDocx } from '../../agent/signing/ooxml/testing/make-docx.js';
import { verifyOffice } from '../../agent/signing/ooxml/verify.js';
import { softwareSigner } from '../../agent/signing/testing/software-signer.js';
import { createTestPki, type TestPki } from '../../agent/signing/testing/test-pki.js';
import type { FormatVerifiers } from '../../agent/signing/verify/report.js';
import { verifyXml } from '../../agent/signing/verify/xml.js';
import { DocumentWorker, offloadLargeDocuments, offloadLargeVerifications } from '../../agent/signing/worker/index.js';
import { bundleDocumentWorker } from '../fixtures/document-worker.js';

let pki: TestPki;
let rsa: DigestSigner & { calls: number };
let worker: DocumentWorker;
const here = createDocumentSigners();
let there: DocumentSigners;
const verifyHere: FormatVerifiers = { xml: verifyXml, office: verifyOffice };
let verifyThere: FormatVerifiers;
const at = new Date('2026-12-03T08:00:00Z');

beforeAll(async () => {
  pki = await createTestPki();
  const a = await pki.issue('NGUYỄN VĂN AN');
  const base = softwareSigner(a.keyPem, a.certDer, [pki.ca.certDer]);
  rsa = { ...base, calls: 0, sign(...args) { rsa.calls++; return base.sign(...args); } };
  worker = new DocumentWorker({ script: await bundleDocumentWorker() });
  // Every document goes to the worker here, whatever its size.
  there = offloadLargeDocuments(here, worker, undefined, 0);
  verifyThere = offloadLargeVerifications(verifyHere, worker, undefined, 0);
}, 60_000);

afterAll(() => worker?.stop());

describe('document worker', () => {
  it('sign.xml (e-invoice): the same description and the same signed bytes as in the agent\'s thread', async () => {
    const xml = new Uint8Array(await readFile(new URL('../signing/samples/einvoice.xml', import.meta.url)));
    const options = { profile: 'einvoice' as const, hashAlgorithm: 'SHA-256' as const, signingTime: at };
    const a = await here.describeXml(xml, options);
    const b = await there.describeXml(xml, options);
    expect(b.description).toEqual(a.description);
    const before = rsa.calls;
    const signedThere = await there.signXml(b.plan, rsa);
    expect(rsa.calls).toBe(before + 1);
    expect(Buffer.from(signedThere).equals(Buffer.from(await here.signXml(a.plan, rsa)))).toBe(true);
    const trust = { trustAnchors: [pki.root.certDer], intermediates: [pki.ca.certDer] };
    const [report] = await verifyThere.xml(signedThere, trust);
    expect(report).toMatchObject({ integrity: true, chainValid: true, signer: 'NGUYỄN VĂN AN' });
    expect(await verifyThere.xml(signedThere, trust)).toEqual(await verifyHere.xml(signedThere, trust));
  });

  it('sign.office (.docx): the same description; the package signed in the worker verifies, with the agent\'s signer', async () => {
    const docx = makeDocx(['Tờ trình số 12/TTr-UBND', 'Kính gửi: Chủ tịch UBND tỉnh']);
    const read = { fileName: 'to-trinh.docx', allowMacros: false };
    expect(await there.describeOffice(docx, read)).toEqual(await here.describeOffice(docx, read));
    const signed = await there.signOffice(docx, { ...read, hashAlgorithm: 'SHA-256', signingTime: at }, rsa);
    const trust = { trustAnchors: [pki.root.certDer], intermediates: [pki.ca.certDer] };
    const reports = await verifyThere.office(signed, 'to-trinh.docx', trust);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ integrity: true, chainValid: true, signer: 'NGUYỄN VĂN AN', coversWholeDocument: true });
    expect(reports).toEqual(await verifyHere.office(signed, 'to-trinh.docx', trust));
  });

  it('refusals cross unchanged: a too-wide XML and a macro file are DOCUMENT_INVALID with the same detail', async () => {
    const wide = new TextEncoder().encode(`<r>${'<a/>'.repeat(300_000)}</r>`);
    const options = { profile: 'enveloped' as const, hashAlgorithm: 'SHA-256' as const };
    const a = await here.describeXml(wide, options).catch((e: unknown) => e);
    const b = await there.describeXml(wide, options).catch((e: unknown) => e);
    expect(b).toMatchObject({ reason: 'DOCUMENT_INVALID' });
    expect((b as { data: unknown }).data).toEqual((a as { data: unknown }).data);
    const docm = makeDocx(['x'], { 'word/vbaProject.bin': new Uint8Array([1, 2, 3]) }, 'application/vnd.ms-word.document.macroEnabled.main+xml');
    const read = { fileName: 'macro.docm', allowMacros: false };
    const c = await Promise.resolve().then(() => here.describeOffice(docm, read)).catch((e: unknown) => e);
    const d = await there.describeOffice(docm, read).catch((e: unknown) => e);
    expect(d).toMatchObject({ reason: 'DOCUMENT_INVALID' });
    expect((d as { data: unknown }).data).toEqual((c as { data: unknown }).data);
  });
});
