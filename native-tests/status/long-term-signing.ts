// Shared by the long-term native tests: the status PKI's good signer signing a PDF at a level the same way sign.pdf
// does (B-T first, then revocation data fetched after the timestamp, then the DSS and, for B-LTA, a document timestamp).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { CertificateStatusService } from '../../agent/certs/status/service.js';
import type { PdfSignOptions } from '../../agent/core/ports.js';
import { longTermMaterial } from '../../agent/core/status/long-term.js';
import { createDocumentSigners } from '../../agent/signing/index.js';
import { softwareSigner } from '../../agent/signing/testing/software-signer.js';
import { startStatusFixture, type StatusFixture } from '../fixtures/status.js';
import { startLocalTsa, type LocalTsa } from '../signing/tsa-server.js';

/** The status PKI's responder, a local TSA and a scratch folder for one test file (started before, closed after). */
export function longTermFixture(prefix: string): { readonly f: StatusFixture; readonly tsa: LocalTsa; readonly dir: string } {
  const state = {} as { f: StatusFixture; tsa: LocalTsa; dir: string };
  beforeAll(async () => {
    [state.f, state.tsa] = await Promise.all([startStatusFixture(), startLocalTsa()]);
    state.dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await Promise.all([state.f?.close(), state.tsa?.close(), state.dir ? rm(state.dir, { recursive: true, force: true }) : undefined]);
  });
  return state;
}

export const statusService = (f: StatusFixture) =>
  new CertificateStatusService({ anchors: () => [f.pki.root.der], allowPrivate: true, timeoutMs: 3000 });

export const goodSigner = (f: StatusFixture) => softwareSigner(f.pki.certs.good.key.pkcs8Pem, f.pki.certs.good.der, [f.pki.ca.der]);

export async function signAtLevel(f: StatusFixture, tsa: LocalTsa, pdf: Uint8Array, level: PdfSignOptions['level'], fileName = 'hop-dong.pdf'): Promise<Uint8Array> {
  const documents = createDocumentSigners();
  const longTerm = level === 'B-LT' || level === 'B-LTA';
  const options: PdfSignOptions = {
    fileName, hashAlgorithm: 'SHA-256', level: longTerm ? 'B-T' : level, signingTime: new Date(),
    ...(level === 'B-B' ? {} : { timestamp: { url: tsa.url } }),
  };
  const signed = await documents.signPdf((await documents.describePdf(pdf)).plan, options, goodSigner(f));
  if (!longTerm) return signed;
  const validation = await longTermMaterial(statusService(f), f.pki.certs.good.der, [f.pki.ca.der]);
  return documents.extendPdf!(signed, { level, validation, hashAlgorithm: 'SHA-256', timestamp: { url: tsa.url } });
}
