// Native: with signing.requirePinEveryTime a sign.batch signs every item with ONE PIN on SoftHSM2,
// and the token is logged out when the batch ends (the next signature asks the PIN again).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDispatcher, type AgentDispatcher } from '../../agent/core/dispatcher.js';
import { OriginAccess } from '../../agent/core/policy/origins.js';
import { DEFAULT_POLICY, type Policy } from '../../agent/core/policy/policy.js';
import { SettingsCell } from '../../agent/core/settings.js';
import { FakeDocuments } from '../../agent/core/testing/fake-documents.js';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { createPkcs11TokenService } from '../../agent/pkcs11/index.js';
import type { Pkcs11TokenService } from '../../agent/pkcs11/index.js';
import '../fixtures/types.js';
import { capturingLogger, softhsmCandidate, systemClock, verifyPkcs1 } from './helpers.js';
import { joinPieces } from '../../agent/core/protocol/pieces.js';

const k = inject('kyso');
const ORIGIN = 'https://portal.example';
const f = k.pki.certs.citizen;

describe('requirePinEveryTime on SoftHSM2', () => {
  let svc: Pkcs11TokenService;
  let dispatcher: AgentDispatcher;
  let prompt: ScriptedPrompt;
  let certId = '';
  const logger = capturingLogger();
  const connection = { origin: ORIGIN, transport: 'ws' as const, signal: new AbortController().signal };
  let nextId = 1;
  const rpc = async (method: string, params: unknown) => JSON.parse(joinPieces((await dispatcher.handle(JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }), connection))!)) as {
    result?: { results?: { ok: boolean; result?: { signature: string }; error?: { data: { reason: string } } }[]; signature?: string };
    error?: { data: { reason: string } };
  };
  const logins = () => logger.lines.filter((l) => l.event === 'pkcs11.login.ok').length;

  beforeAll(async () => {
    svc = createPkcs11TokenService({ modules: [softhsmCandidate(k)], clock: systemClock, logger, requirePinEveryTime: true });
    certId = (await svc.listCertificates()).find((c) => c.thumbprintSha256 === f.thumbprintSha256)!.certId;
    const policy: Policy = { ...DEFAULT_POLICY, allowedOrigins: [ORIGIN], signing: { ...DEFAULT_POLICY.signing, requirePinEveryTime: true } };
    const settings = SettingsCell.inMemory();
    prompt = new ScriptedPrompt({ pin: k.softhsm.tokens.A.pin, confirm: 'approve' });
    dispatcher = createDispatcher({
      tokens: svc, prompt, documents: new FakeDocuments(), access: new OriginAccess(policy, settings, systemClock), settings, policy, clock: systemClock, logger, version: 'test',
    });
  });
  afterAll(async () => {
    dispatcher?.close();
    await svc?.close();
  });

  it('batchOfThree_signsEveryItemWithOneLogin_thenTheNextSignAsksThePinAgain', async () => {
    const data = ['a', 'b', 'c'].map((s) => Buffer.from(`item ${s}`));
    const items = data.map((d) => ({ kind: 'hash', params: { hash: createHash('sha256').update(d).digest('base64'), hashAlgorithm: 'SHA-256' } }));
    const before = logins();
    const batch = await rpc('sign.batch', { certId, label: 'Ba mục / three items', items });
    expect(batch.error).toBeUndefined();
    const results = batch.result!.results!;
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    results.forEach((r, i) => expect(verifyPkcs1(f.certPem, data[i]!, 'sha256', Buffer.from(r.result!.signature, 'base64'))).toBe(true));
    expect(logins() - before).toBe(1);
    expect(prompt.confirmRequests).toHaveLength(1);
    expect(prompt.confirmRequests[0]!.pin.required).toBe(true);

    // Logged out when the batch ended: a signature without a new login is refused.
    await expect(svc.sign({ certId, digest: createHash('sha256').update('x').digest(), hashAlgorithm: 'SHA-256' })).rejects.toMatchObject({ reason: 'PIN_INCORRECT' });

    const single = await rpc('sign.hash', { certId, hash: createHash('sha256').update(data[0]!).digest('base64'), hashAlgorithm: 'SHA-256' });
    expect(single.error).toBeUndefined();
    expect(prompt.confirmRequests).toHaveLength(2);
    expect(prompt.confirmRequests[1]!.pin.required).toBe(true);
    expect(logins() - before).toBe(2);
    expect(logger.text()).not.toContain(k.softhsm.tokens.A.pin);
  });

  it('whileAnotherOperationHoldsTheLogin_aSecondLoginIsBusy_neverAcceptedWithAnUnverifiedPin', async () => {
    const tokenId = (await svc.getCertificate(certId)).tokenId;
    const pin = () => new TextEncoder().encode(k.softhsm.tokens.A.pin);
    const wrong = () => new TextEncoder().encode('000000');
    // Operation B: holds the login and logs in with the right PIN (a batch in progress).
    const releaseB = svc.holdLogin(tokenId);
    await svc.login(tokenId, pin());
    // Operation A types a wrong PIN meanwhile: C_Login would say "already logged in" for any PIN — must be BUSY.
    await expect(svc.login(tokenId, wrong())).rejects.toMatchObject({ reason: 'BUSY' });
    await releaseB();
    // Once B is done the token is logged out, and the wrong PIN is checked by the token for real.
    await expect(svc.login(tokenId, wrong())).rejects.toMatchObject({ reason: 'PIN_INCORRECT' });
    await svc.login(tokenId, pin());
    await svc.logout(tokenId);
  });
});
