import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../protocol/encoding.js';
import { makeCert } from '../testing/certs.js';
import { createTestAgent, type TestAgentOptions } from '../testing/harness.js';
import type { CertificateStatus, StatusQuery, StatusReport } from './port.js';
import { keySize } from './gate.js';

const ORIGIN = 'https://portal.example';
const hashParams = (certId: string) => ({ certId, hash: encodeBase64(new Uint8Array(32).fill(7)), hashAlgorithm: 'SHA-256' });

/** A status service that answers from a script and records what it was asked. */
class ScriptedStatus implements CertificateStatus {
  readonly queries: StatusQuery[] = [];
  constructor(private readonly report: Omit<StatusReport, 'checkedAt' | 'fromCache'>) {}
  check(query: StatusQuery): Promise<StatusReport> {
    this.queries.push(query);
    return Promise.resolve({ checkedAt: '2026-01-01T00:00:00.000Z', fromCache: false, ...this.report });
  }
}

function setup(status: CertificateStatus | undefined, options: TestAgentOptions = {}) {
  const a = createTestAgent({ ...options, ...(status ? { status } : {}), policy: { allowedOrigins: [ORIGIN], ...options.policy } });
  const c = a.connect(ORIGIN);
  const certId = a.tokens.certificates[0]!.certId;
  return { a, c, signHash: () => a.call(c, 'sign.hash', hashParams(certId)) };
}

describe('status before signing', () => {
  it('revoked_isCertificateRevokedWithTimeAndReason_beforeAnyDialogOrSignature', async () => {
    const status = new ScriptedStatus({ status: 'revoked', source: 'ocsp', revokedAt: '2026-01-01T00:00:00.000Z', revocationReason: 'keyCompromise' });
    const { a, signHash } = setup(status);
    const r = await signHash();
    expect(r.error?.data).toMatchObject({ reason: 'CERTIFICATE_REVOKED', revokedAt: '2026-01-01T00:00:00.000Z', revocationReason: 'keyCompromise', retriable: false });
    expect(a.prompt.calls.confirmSigning).toBe(0);
    expect(a.tokens.signRequests).toHaveLength(0);
    expect(status.queries[0]!.purpose).toBe('token');
  });

  it('suspended_isCertificateRevokedWithCertificateHold', async () => {
    const { a, signHash } = setup(new ScriptedStatus({ status: 'revoked', source: 'crl', revokedAt: '2026-02-01T00:00:00.000Z', revocationReason: 'certificateHold' }));
    expect((await signHash()).error?.data).toMatchObject({ reason: 'CERTIFICATE_REVOKED', revocationReason: 'certificateHold', detail: 'the certificate is suspended' });
    expect(a.tokens.signRequests).toHaveLength(0);
  });

  it('good_signsWithoutNotice', async () => {
    const { a, signHash } = setup(new ScriptedStatus({ status: 'good', source: 'ocsp' }));
    expect((await signHash()).result).toBeDefined();
    expect(a.prompt.confirmRequests[0]!.certificateStatus).toBeUndefined();
  });

  it('unknown_warnPolicy_dialogSaysSo_andSigns', async () => {
    const { a, signHash } = setup(new ScriptedStatus({ status: 'unknown', source: 'none', detail: 'the OCSP responder could not be reached' }));
    expect((await signHash()).result).toBeDefined();
    expect(a.prompt.confirmRequests[0]!.certificateStatus).toEqual({ status: 'unknown', detail: 'the OCSP responder could not be reached' });
  });

  it('unknown_requirePolicy_refusedBeforeDialog', async () => {
    const { a, signHash } = setup(new ScriptedStatus({ status: 'unknown', source: 'none', detail: 'unreachable' }), { policy: { signing: { revocationCheck: 'require' } } });
    expect((await signHash()).error?.data).toMatchObject({ reason: 'CERTIFICATE_NOT_FOUND', detail: 'certificate status unknown: unreachable' });
    expect(a.prompt.calls.confirmSigning).toBe(0);
  });

  it('offPolicy_neverAsksTheService', async () => {
    const status = new ScriptedStatus({ status: 'revoked', source: 'ocsp' });
    const { signHash } = setup(status, { policy: { signing: { revocationCheck: 'off' } } });
    expect((await signHash()).result).toBeDefined();
    expect(status.queries).toHaveLength(0);
  });

  it('rsa1024_andEc192_refusedAsAlgorithmUnsupported_minRsaBitsFromPolicy', async () => {
    const weak = makeCert({ keyAlgorithm: 'RSA-1024' });
    const ec = makeCert({ keyAlgorithm: 'EC-P192' });
    const rsa2048 = makeCert();
    const { a, c } = setup(new ScriptedStatus({ status: 'good', source: 'ocsp' }), { tokens: { certificates: [weak, ec, rsa2048] }, policy: { signing: { minRsaBits: 3072 } } });
    expect((await a.call(c, 'sign.hash', hashParams(weak.certId))).error?.data).toMatchObject({ reason: 'ALGORITHM_UNSUPPORTED', detail: 'RSA key of 1024 bits is below the minimum of 3072 bits' });
    expect((await a.call(c, 'sign.hash', hashParams(ec.certId))).error?.data).toMatchObject({ reason: 'ALGORITHM_UNSUPPORTED', detail: 'EC key of 192 bits is below the minimum of 256 bits' });
    expect((await a.call(c, 'sign.hash', hashParams(rsa2048.certId))).error?.data.reason).toBe('ALGORITHM_UNSUPPORTED');
    expect(a.tokens.signRequests).toHaveLength(0);
  });

  it('keySize_readsTheWireLabels', () => {
    expect(keySize('RSA-4096')).toEqual({ family: 'RSA', bits: 4096 });
    expect(keySize('EC-P384')).toEqual({ family: 'EC', bits: 384 });
    expect(keySize('Ed25519')).toBeNull();
  });
});
