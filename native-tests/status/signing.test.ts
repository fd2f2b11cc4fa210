// Native (T20): signing on SoftHSM2 with the status PKI — revoked and suspended certificates are refused with
// CERTIFICATE_REVOKED before any C_Sign; unknown status warns or refuses per policy; 1024-bit RSA is refused.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateStatusService } from '../../agent/certs/status/service.js';
import { createDispatcher, type AgentDispatcher } from '../../agent/core/dispatcher.js';
import { OriginAccess } from '../../agent/core/policy/origins.js';
import { DEFAULT_POLICY, type Policy } from '../../agent/core/policy/policy.js';
import { SettingsCell } from '../../agent/core/settings.js';
import { FakeDocuments } from '../../agent/core/testing/fake-documents.js';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import type { StatusCertName } from '../../agent/demo/status-pki.js';
import { FaultInjector } from '../../agent/pkcs11/fault-injection.js';
import { createPkcs11TokenService, defaultPkcs11Factory, type Pkcs11TokenService } from '../../agent/pkcs11/index.js';
import { provisionStatusToken, startStatusFixture, STATUS_TOKEN, type StatusFixture } from '../fixtures/status.js';
import { capturingLogger, systemClock } from '../pkcs11/helpers.js';
import { joinPieces } from '../../agent/core/protocol/pieces.js';

const ORIGIN = 'https://portal.example';
let f: StatusFixture;
let svc: Pkcs11TokenService;
const faults = new FaultInjector();
const certIds = new Map<StatusCertName, string>();

beforeAll(async () => {
  f = await startStatusFixture();
  const { module } = await provisionStatusToken(f);
  svc = createPkcs11TokenService({ modules: [{ name: 'SoftHSM2', path: module, source: 'env' }], clock: systemClock, logger: capturingLogger(), pkcs11Factory: faults.factory(defaultPkcs11Factory) });
  for (const cert of await svc.listCertificates()) {
    const name = Object.values(f.pki.certs).find((c) => c.thumbprintSha256 === cert.thumbprintSha256)?.name;
    if (name) certIds.set(name, cert.certId);
  }
});
afterAll(async () => {
  await svc?.close();
  await f?.close();
});

type Reply = { result?: unknown; error?: { data: Record<string, unknown> } };

function agent(signing: Partial<Policy['signing']> = {}): { dispatcher: AgentDispatcher; prompt: ScriptedPrompt; sign: (name: StatusCertName) => Promise<Reply>; rpc: (method: string, params: unknown) => Promise<Reply>; status: CertificateStatusService } {
  const policy: Policy = { ...DEFAULT_POLICY, allowedOrigins: [ORIGIN], signing: { ...DEFAULT_POLICY.signing, ...signing }, trust: { anchors: [], fetchPrivateAddresses: true } };
  const settings = SettingsCell.inMemory();
  const prompt = new ScriptedPrompt({ pin: STATUS_TOKEN.pin, confirm: 'approve' });
  // The test policy allows loopback explicitly (trust.fetchPrivateAddresses); the test root is the one anchor.
  const status = new CertificateStatusService({ anchors: () => [f.pki.root.der], allowPrivate: policy.trust.fetchPrivateAddresses, timeoutMs: 2000 });
  const dispatcher = createDispatcher({
    tokens: svc, prompt, documents: new FakeDocuments(), access: new OriginAccess(policy, settings, systemClock), settings, policy, clock: systemClock,
    logger: capturingLogger(), version: 'test', status,
  });
  const connection = { origin: ORIGIN, transport: 'ws' as const, signal: new AbortController().signal };
  let id = 1;
  const hash = createHash('sha256').update('status test').digest('base64');
  const rpc = async (method: string, params: unknown): Promise<Reply> => JSON.parse(joinPieces((await dispatcher.handle(JSON.stringify({ jsonrpc: '2.0', id: id++, method, params }), connection))!)) as Reply;
  return { dispatcher, prompt, rpc, status, sign: (name) => rpc('sign.hash', { certId: certIds.get(name), hash, hashAlgorithm: 'SHA-256' }) };
}

describe('status before signing on SoftHSM2', () => {
  it('good_signs_withoutAStatusNotice', async () => {
    const a = agent();
    const before = faults.calls('C_Sign');
    const r = await a.sign('good');
    expect(r.error).toBeUndefined();
    expect(faults.calls('C_Sign')).toBe(before + 1);
    expect(a.prompt.confirmRequests[0]!.certificateStatus).toBeUndefined();
  });

  it.each([
    ['revoked', 'keyCompromise'],
    ['suspended', 'certificateHold'],
    ['crlRevoked', 'superseded'],
  ] as const)('%s_isCertificateRevoked_beforeAnyDialogOrC_Sign', async (name, reason) => {
    const a = agent();
    const before = faults.calls('C_Sign');
    const r = await a.sign(name);
    const plan = f.pki.certs[name].plan;
    expect(r.error?.data).toMatchObject({ reason: 'CERTIFICATE_REVOKED', revocationReason: reason, revokedAt: plan.status === 'revoked' ? plan.revokedAt.toISOString() : '' });
    expect(faults.calls('C_Sign')).toBe(before);
    expect(a.prompt.calls.confirmSigning).toBe(0);
  });

  it('unreachableResponder_warnPolicy_dialogSaysSo_andSigns', async () => {
    const a = agent({ revocationCheck: 'warn' });
    const r = await a.sign('unreachable');
    expect(r.error).toBeUndefined();
    expect(a.prompt.confirmRequests[0]!.certificateStatus).toMatchObject({ status: 'unknown' });
    expect(a.prompt.confirmRequests[0]!.certificateStatus!.detail).toMatch(/unreachable/);
  });

  it('unreachableResponder_requirePolicy_refusedBeforeC_Sign', async () => {
    const a = agent({ revocationCheck: 'require' });
    const before = faults.calls('C_Sign');
    const r = await a.sign('unreachable');
    expect(r.error?.data).toMatchObject({ reason: 'CERTIFICATE_NOT_FOUND' });
    expect(String(r.error?.data.detail)).toMatch(/^certificate status unknown: .*unreachable/);
    expect(faults.calls('C_Sign')).toBe(before);
  });

  it('rsa1024KeyOnTheToken_isRefused_ALGORITHM_UNSUPPORTED', async () => {
    const a = agent();
    const before = faults.calls('C_Sign');
    const r = await a.sign('weak1024');
    expect(r.error?.data).toMatchObject({ reason: 'ALGORITHM_UNSUPPORTED', detail: 'RSA key of 1024 bits is below the minimum of 2048 bits' });
    expect(faults.calls('C_Sign')).toBe(before);
  });
});

describe('the picker marks revoked and suspended certificates (certificates.select on SoftHSM2)', () => {
  const nameOf = (certId: string) => [...certIds].find(([, id]) => id === certId)?.[0];
  /**
   * The cache warm, as after an earlier look at the certificates: the marks then come without waiting, whatever the
   * machine's load (the bounded wait of a cold cache is covered by agent/core/status/marks.test.ts).
   */
  const warm = (a: ReturnType<typeof agent>) =>
    Promise.all([...certIds.keys()].map((name) => a.status.check({ certificate: f.pki.certs[name].der, candidates: [f.pki.ca.der], purpose: 'token' })));

  it('revoked_and_suspended_areMarkedWithTimeAndReason_goodIsNot', async () => {
    const a = agent();
    await warm(a);
    a.prompt.script({ choose: (certs) => certs.find((c) => c.certId === certIds.get('good')) ?? null });
    const r = await a.rpc('certificates.select', { filter: { onlyValid: false } });
    expect(r.error).toBeUndefined();
    const marks = a.prompt.chooseRequests[0]!.options.revocation ?? [];
    const byName = Object.fromEntries(marks.map((m) => [nameOf(m.certId), m]));
    const at = (name: StatusCertName) => { const p = f.pki.certs[name].plan; return p.status === 'revoked' ? p.revokedAt.toISOString() : ''; };
    expect(byName.revoked).toMatchObject({ state: 'revoked', reason: 'keyCompromise', revokedAt: at('revoked') });
    expect(byName.suspended).toMatchObject({ state: 'suspended', reason: 'certificateHold', revokedAt: at('suspended') });
    expect(byName.crlRevoked).toMatchObject({ state: 'revoked', reason: 'superseded' });
    expect(Object.keys(byName).sort()).toEqual(['crlRevoked', 'revoked', 'suspended']);
  });

  it('aDialogThatReturnsAMarkedCertificate_isRefusedCertificateRevoked', async () => {
    const a = agent();
    await warm(a);
    a.prompt.script({ choose: (certs) => certs.find((c) => c.certId === certIds.get('revoked')) ?? null });
    const r = await a.rpc('certificates.select', {});
    expect(r.error?.data).toMatchObject({ reason: 'CERTIFICATE_REVOKED', revocationReason: 'keyCompromise' });
  });

  it('policyOff_noMarks_andNoStatusTraffic', async () => {
    const a = agent({ revocationCheck: 'off' });
    const hits = JSON.stringify(f.responder.hits);
    await a.rpc('certificates.select', {});
    expect(a.prompt.chooseRequests[0]!.options.revocation).toBeUndefined();
    expect(JSON.stringify(f.responder.hits)).toBe(hits);
  });
});
