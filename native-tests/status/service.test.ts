// Native: the certificate-status service against the loopback responder: OCSP, CRL, caIssuers, cache, SSRF guard.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CertificateStatusService } from '../../agent/certs/status/service.js';
import { nodeFetch, type Fetch } from '../../agent/certs/status/fetch.js';
import type { StatusCertName } from '../../agent/demo/status-pki.js';
import { startStatusFixture, type StatusFixture } from '../fixtures/status.js';

let f: StatusFixture;
beforeAll(async () => {
  f = await startStatusFixture();
});
afterAll(async () => {
  await f?.close();
});

/** Counts every fetch the service asks for (refused or not) on top of the real network. */
function countingFetch(): Fetch & { urls: string[] } {
  const urls: string[] = [];
  const fn = ((req, limits) => {
    urls.push(req.url);
    return nodeFetch(req, limits);
  }) as Fetch & { urls: string[] };
  fn.urls = urls;
  return fn;
}

function service(options: { allowPrivate?: boolean; cacheDir?: string; anchors?: Uint8Array[]; fetch?: Fetch } = {}): CertificateStatusService {
  return new CertificateStatusService({
    anchors: () => options.anchors ?? [f.pki.root.der], allowPrivate: options.allowPrivate ?? true, timeoutMs: 2000,
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}), ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
const tokenQuery = (name: StatusCertName) => ({ certificate: f.pki.certs[name].der, candidates: [], purpose: 'token' as const });

describe('certificate status service on loopback', () => {
  it('good_viaOcsp_withTheIssuerFetchedFromCaIssuers', async () => {
    const before = f.responder.hits['/ca.cer'] ?? 0;
    const r = await service().check(tokenQuery('good'));
    expect(r).toMatchObject({ status: 'good', source: 'ocsp', fromCache: false });
    expect(f.responder.hits['/ca.cer']).toBe(before + 1);
    expect(r.evidence?.anchored).toBe(true);
    expect(r.evidence?.ocspResponses).toHaveLength(1);
    expect(r.evidence?.chain.map((c) => c.length)).toEqual([f.pki.ca.der.length, f.pki.root.der.length]);
    expect(new Date(r.nextUpdate!).getTime()).toBeGreaterThan(Date.now());
  });

  it('revoked_and_suspended_carryTimeAndReason', async () => {
    const s = service();
    const revoked = await s.check(tokenQuery('revoked'));
    expect(revoked).toMatchObject({ status: 'revoked', source: 'ocsp', revocationReason: 'keyCompromise' });
    const plan = f.pki.certs.revoked.plan;
    expect(revoked.revokedAt).toBe(plan.status === 'revoked' ? plan.revokedAt.toISOString() : '');
    expect(await s.check(tokenQuery('suspended'))).toMatchObject({ status: 'revoked', revocationReason: 'certificateHold' });
  });

  it('crlOnly_good_and_crlRevoked_revoked_viaCrl', async () => {
    const s = service();
    expect(await s.check(tokenQuery('crlOnly'))).toMatchObject({ status: 'good', source: 'crl' });
    const r = await s.check(tokenQuery('crlRevoked'));
    expect(r).toMatchObject({ status: 'revoked', source: 'crl', revocationReason: 'superseded' });
    expect(r.evidence?.crls).toHaveLength(1);
  });

  it('unreachableResponder_isUnknownWithWhy', async () => {
    const r = await service().check(tokenQuery('unreachable'));
    expect(r.status).toBe('unknown');
    expect(r.detail).toMatch(/OCSP failed: unreachable/);
  });

  it('noOcspNoCrl_isUnknown_andRememberedWithoutWorkingItOutAgain', async () => {
    // The demo PKI's certificates name no OCSP responder and no CRL: that answer cannot change, so the service
    // keeps it (in memory) instead of parsing the chain again on every signature.
    const kyso = inject('kyso');
    const der = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
    const s = new CertificateStatusService({ anchors: () => [der(kyso.pki.rootDerBase64)], allowPrivate: true, timeoutMs: 2000 });
    const query = { certificate: der(kyso.pki.certs.citizen.derBase64), candidates: [der(kyso.pki.caDerBase64)], purpose: 'token' as const };
    const first = await s.check(query);
    expect(first).toMatchObject({ status: 'unknown', fromCache: false, detail: 'the certificate names no OCSP responder and no CRL' });
    const again = await s.check(query);
    expect(again).toMatchObject({ status: 'unknown', fromCache: true, detail: first.detail });
    // Another candidate pool, or a fresh check, is worked out again.
    expect((await s.check({ ...query, candidates: [] })).fromCache).toBe(false);
    expect((await s.check({ ...query, fresh: true })).fromCache).toBe(false);
  });

  it('noIssuerAnywhere_isUnknown_issuerNotFound', async () => {
    const r = await service().check(tokenQuery('noIssuerUrl'));
    expect(r).toMatchObject({ status: 'unknown' });
    expect(r.detail).toMatch(/issuer certificate was not found/);
  });

  it('responderTryLater_fallsBackToCrl', async () => {
    f.responder.options.tryLater = true;
    try {
      const r = await service().check(tokenQuery('revoked'));
      expect(r).toMatchObject({ status: 'revoked', source: 'crl', revocationReason: 'keyCompromise' });
    } finally {
      f.responder.options.tryLater = false;
    }
  });

  it('warmCache_noNetwork_andTheDiskCacheSurvivesARestart', async () => {
    const cacheDir = join(await mkdtemp(join(tmpdir(), 'kyso-status-cache-')), 'status-cache');
    const first = countingFetch();
    await service({ cacheDir, fetch: first }).check(tokenQuery('good'));
    expect(first.urls.length).toBeGreaterThan(0);
    const again = countingFetch();
    const s2 = service({ cacheDir, fetch: again });
    const r = await s2.check(tokenQuery('good'));
    expect(r).toMatchObject({ status: 'good', fromCache: true });
    expect(r.evidence?.ocspResponses).toHaveLength(1);
    expect(again.urls).toEqual([]);
  });
});

describe('SSRF guard (T19)', () => {
  it('privateAddressesRefusedUnlessPolicyAllows_noRequestReachesTheResponder', async () => {
    const hits = JSON.stringify(f.responder.hits);
    const r = await service({ allowPrivate: false }).check(tokenQuery('good'));
    expect(r.status).toBe('unknown');
    expect(r.detail).toMatch(/refused/);
    expect(JSON.stringify(f.responder.hits)).toBe(hits);
  });

  it('documentCertificateNotChainingToAnAnchor_triggersNoFetchAtAll', async () => {
    const fetch = countingFetch();
    const r = await service({ anchors: [], fetch }).check({ certificate: f.pki.certs.good.der, candidates: [f.pki.ca.der], purpose: 'document' });
    expect(r.status).toBe('unknown');
    expect(r.detail).toMatch(/does not chain to a trusted anchor/);
    expect(fetch.urls).toEqual([]);
  });

  it('documentCertificateChainingToAnAnchor_isChecked', async () => {
    const r = await service().check({ certificate: f.pki.certs.revoked.der, candidates: [f.pki.ca.der], purpose: 'document' });
    expect(r).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
  });

  it.each([
    'http://10.0.0.5/ocsp', 'http://169.254.169.254/latest/meta-data', 'http://192.168.1.1/ca.crl', 'http://[::1]:80/x',
    'http://localhost/x', 'file:///etc/passwd', 'ftp://203.0.113.5/ca.crl', 'http://user:pw@203.0.113.5/x',
  ])('nodeFetch refuses %s before any socket', async (url) => {
    const r = await nodeFetch({ url, method: 'GET' }, { timeoutMs: 1000, maxBytes: 1000, allowPrivate: false });
    expect(r).toMatchObject({ ok: false, refused: true });
  });

  it('sizeBound_abortsLargeBodies', async () => {
    const r = await nodeFetch({ url: `${f.responder.baseUrl}/ca.crl`, method: 'GET' }, { timeoutMs: 2000, maxBytes: 10, allowPrivate: true });
    expect(r).toMatchObject({ ok: false, refused: false });
    if (!r.ok) expect(r.why).toMatch(/larger than 10 bytes/);
  });
});
