import { describe, expect, it } from 'vitest';
import type { DigestSigner, DocumentSigners, PdfExtendOptions, PdfSignOptions } from '../ports.js';
import { makeCert } from '../testing/certs.js';
import type { CertificateStatus, StatusQuery, StatusReport } from './port.js';
import { longTermMaterial, signPdfAtLevel } from './long-term.js';

const leaf = new Uint8Array([1]);
const ca = new Uint8Array([2]);
const root = new Uint8Array([3]);

/** Answers good with evidence; records every query (fresh, allSources, which certificate). */
class EvidenceStatus implements CertificateStatus {
  readonly queries: StatusQuery[] = [];
  constructor(private readonly caStatus: StatusReport['status'] = 'good') {}
  check(query: StatusQuery): Promise<StatusReport> {
    this.queries.push(query);
    const isLeaf = query.certificate[0] === 1;
    const status = isLeaf ? 'good' : this.caStatus;
    return Promise.resolve({
      status, source: isLeaf ? 'ocsp' : 'crl', fromCache: false, checkedAt: '2026-01-01T00:00:00Z',
      evidence: { chain: isLeaf ? [ca, root] : [root], ocspResponses: isLeaf ? [new Uint8Array([9])] : [], crls: [new Uint8Array([isLeaf ? 7 : 8])], anchored: true },
    });
  }
}

describe('long-term validation data', () => {
  it('signerAndEveryCaBelowTheAnchor_fetchedFresh_withAllSources', async () => {
    const s = new EvidenceStatus();
    const m = await longTermMaterial(s, leaf, [ca]);
    expect(s.queries.map((q) => [q.certificate[0], q.fresh, q.allSources])).toEqual([[1, true, true], [2, true, true]]);
    expect(m.certs.map((c) => c[0])).toEqual([1, 2, 3]);
    expect(m.ocsps.map((c) => c[0])).toEqual([9]);
    expect(m.crls.map((c) => c[0])).toEqual([7, 8]);
  });

  it('anUnknownCa_orNoService_refusesTheLevel', async () => {
    await expect(longTermMaterial(new EvidenceStatus('unknown'), leaf, [ca])).rejects.toMatchObject({ reason: 'CERTIFICATE_NOT_FOUND' });
    await expect(longTermMaterial(undefined, leaf, [ca])).rejects.toMatchObject({ reason: 'CERTIFICATE_NOT_FOUND' });
  });

  it('signPdfAtLevel_signsAtBT_thenExtends_andPassesB_BThrough', async () => {
    const calls: string[] = [];
    const documents = {
      signPdf: (_pdf: Uint8Array, o: PdfSignOptions) => { calls.push(`sign ${o.level}`); return Promise.resolve(new Uint8Array([5])); },
      extendPdf: (_pdf: Uint8Array, o: PdfExtendOptions) => { calls.push(`extend ${o.level} ${o.validation.ocsps.length} ${o.timestamp?.url}`); return Promise.resolve(new Uint8Array([6])); },
    } as unknown as DocumentSigners;
    const signer = { certificate: makeCert({ der: 'AQ==' }), chain: [ca] } as unknown as DigestSigner;
    const plan = { format: 'pdf' as const, pdf: new Uint8Array() };
    const base = { fileName: 'a.pdf', hashAlgorithm: 'SHA-256' as const, signingTime: new Date(), timestamp: { url: 'http://tsa/' } };
    expect(await signPdfAtLevel(documents, new EvidenceStatus(), plan, { ...base, level: 'B-LTA' }, signer)).toEqual(new Uint8Array([6]));
    expect(await signPdfAtLevel(documents, undefined, plan, { ...base, level: 'B-B' }, signer)).toEqual(new Uint8Array([5]));
    expect(calls).toEqual(['sign B-T', 'extend B-LTA 1 http://tsa/', 'sign B-B']);
  });
});
