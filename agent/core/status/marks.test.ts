import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type Policy } from '../policy/policy.js';
import type { Cert } from '../types.js';
import type { LogFields, Logger, TokenService } from '../ports.js';
import type { CertificateStatus, StatusQuery, StatusReport } from './port.js';
import { revocationMarks } from './marks.js';

const cert = (certId: string, over: Partial<Cert> = {}): Cert => ({
  certId, tokenId: 't', der: Buffer.from(certId).toString('base64'), thumbprintSha256: certId, serialNumber: '01',
  subject: { commonName: certId, dn: `CN=${certId}` }, issuer: { commonName: 'CA', dn: 'CN=CA' }, notBefore: '2025-01-01T00:00:00Z',
  notAfter: '2027-01-01T00:00:00Z', status: 'valid', keyAlgorithm: 'RSA-2048', keyUsage: [], extendedKeyUsage: [], identifiers: {}, hasPrivateKey: true, ...over,
});

/** Answers by the certificate's bytes (= its certId here); `slow` never answers. */
function fakeStatus(answers: Record<string, Partial<StatusReport> | 'slow'>): CertificateStatus & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    check(q: StatusQuery): Promise<StatusReport> {
      const id = Buffer.from(q.certificate).toString();
      asked.push(id);
      const a = answers[id] ?? { status: 'good' };
      if (a === 'slow') return new Promise(() => undefined);
      return Promise.resolve({ status: 'good', source: 'ocsp', fromCache: true, checkedAt: '2026-12-03T00:00:00Z', ...a });
    },
  };
}
const logs: Array<[string, LogFields | undefined]> = [];
const logger: Logger = { info: (e, f) => logs.push([e, f]), warn: (e, f) => logs.push([e, f]), error: (e, f) => logs.push([e, f]) } as Logger;
const tokens = { getChain: () => Promise.resolve([]) } as unknown as TokenService;
const deps = (status: CertificateStatus | undefined, revocationCheck: Policy['signing']['revocationCheck'] = 'warn') => ({
  tokens, logger, status, policy: { ...DEFAULT_POLICY, signing: { ...DEFAULT_POLICY.signing, revocationCheck } },
});

describe('revocationMarks', () => {
  it('marks revoked and suspended with time and reason; good and unknown are not marked', async () => {
    const status = fakeStatus({
      r: { status: 'revoked', revocationReason: 'keyCompromise', revokedAt: '2026-12-01T00:00:00.000Z' },
      s: { status: 'revoked', revocationReason: 'certificateHold', revokedAt: '2026-12-02T00:00:00.000Z' },
      u: { status: 'unknown', detail: 'unreachable' },
    });
    const marks = await revocationMarks(deps(status), [cert('g'), cert('r'), cert('s'), cert('u')]);
    expect(marks.sort((a, b) => a.certId.localeCompare(b.certId))).toEqual([
      { certId: 'r', state: 'revoked', reason: 'keyCompromise', revokedAt: '2026-12-01T00:00:00.000Z' },
      { certId: 's', state: 'suspended', reason: 'certificateHold', revokedAt: '2026-12-02T00:00:00.000Z' },
    ]);
  });

  it('asks only about certificates that could be chosen', async () => {
    const status = fakeStatus({});
    await revocationMarks(deps(status), [cert('ok'), cert('old', { status: 'expired' }), cert('nokey', { hasPrivateKey: false })]);
    expect(status.asked).toEqual(['ok']);
  });

  it('a responder that never answers does not hold the list: the answers in time are kept', async () => {
    const status = fakeStatus({ hang: 'slow', r: { status: 'revoked', revocationReason: 'superseded' } });
    const marks = await revocationMarks(deps(status), [cert('hang'), cert('r')], 50);
    expect(marks).toEqual([{ certId: 'r', state: 'revoked', reason: 'superseded' }]);
    expect(logs.some(([e]) => e === 'status.picker-budget-exceeded')).toBe(true);
  });

  it('policy off or no service: no marks, no question', async () => {
    const status = fakeStatus({ r: { status: 'revoked' } });
    expect(await revocationMarks(deps(status, 'off'), [cert('r')])).toEqual([]);
    expect(status.asked).toEqual([]);
    expect(await revocationMarks(deps(undefined), [cert('r')])).toEqual([]);
  });
});
