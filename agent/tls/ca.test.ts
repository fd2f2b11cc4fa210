// Issuance and the renewal rule of the local TLS material.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LEAF_DAYS, issueLocalTls, needsRenewal } from './ca.js';

describe('local TLS issuance', () => {
  it('issueLocalTls_twice_makesDifferentCas', async () => {
    const a = await issueLocalTls();
    const b = await issueLocalTls();
    expect(a.caSha256).not.toBe(b.caSha256);
    expect(new X509Certificate(a.caPem).ca).toBe(true);
    expect(new X509Certificate(a.leafPem).checkIssued(new X509Certificate(a.caPem))).toBe(true);
    expect(new X509Certificate(a.leafPem).checkIssued(new X509Certificate(b.caPem))).toBe(false);
    expect(a.leafKeyPem).toContain('BEGIN PRIVATE KEY');
  });

  it('needsRenewal_at80PercentOfLife_isTrue', async () => {
    const t = await issueLocalTls(new Date('2026-01-01T00:00:00Z'));
    const day = 86_400_000;
    const start = Date.parse('2026-01-01T00:00:00Z');
    expect(needsRenewal(t.leafPem, new Date(start + day))).toBe(false);
    expect(needsRenewal(t.leafPem, new Date(start + 0.79 * LEAF_DAYS * day))).toBe(false);
    expect(needsRenewal(t.leafPem, new Date(start + 0.81 * LEAF_DAYS * day))).toBe(true);
    expect(needsRenewal(t.leafPem, new Date(start - 10 * day))).toBe(true);
    expect(needsRenewal('not a certificate')).toBe(true);
  });
});
