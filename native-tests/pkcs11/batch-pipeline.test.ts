// Native: sign.batch with off-thread signing (C_SignAsync) on SoftHSM2 — an injected CKR_DEVICE_REMOVED on the 3rd
// signature stops the batch in order with no further token call; a clean batch signs every item off-thread.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createDispatcher, type AgentDispatcher } from '../../agent/core/dispatcher.js';
import { OriginAccess } from '../../agent/core/policy/origins.js';
import { DEFAULT_POLICY, type Policy } from '../../agent/core/policy/policy.js';
import { SettingsCell } from '../../agent/core/settings.js';
import { FakeDocuments } from '../../agent/core/testing/fake-documents.js';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import * as C from '../../agent/pkcs11/constants.js';
import { FaultInjector } from '../../agent/pkcs11/fault-injection.js';
import { createPkcs11TokenService } from '../../agent/pkcs11/index.js';
import type { Pkcs11TokenService } from '../../agent/pkcs11/index.js';
import { defaultPkcs11Factory } from '../../agent/pkcs11/pkcs11-api.js';
import '../fixtures/types.js';
import { capturingLogger, softhsmCandidate, systemClock, verifyPkcs1 } from './helpers.js';
import { joinPieces } from '../../agent/core/protocol/pieces.js';

const k = inject('kyso');
const ORIGIN = 'https://portal.example';
const f = k.pki.certs.citizen;

interface BatchReply {
  result?: { results: { ok: boolean; result?: { signature: string }; error?: { data: { reason: string } } }[] };
  error?: { data: { reason: string } };
}

let svc: Pkcs11TokenService | undefined;
let dispatcher: AgentDispatcher | undefined;
afterEach(async () => {
  dispatcher?.close();
  await svc?.close();
  svc = undefined;
  dispatcher = undefined;
});

async function setup() {
  const faults = new FaultInjector();
  const logger = capturingLogger();
  svc = createPkcs11TokenService({ modules: [softhsmCandidate(k)], clock: systemClock, logger, pkcs11Factory: faults.factory(defaultPkcs11Factory), offThreadSigning: 'always' });
  const certId = (await svc.listCertificates()).find((c) => c.thumbprintSha256 === f.thumbprintSha256)!.certId;
  const policy: Policy = { ...DEFAULT_POLICY, allowedOrigins: [ORIGIN] };
  const settings = SettingsCell.inMemory();
  const prompt = new ScriptedPrompt({ pin: k.softhsm.tokens.A.pin, confirm: 'approve' });
  dispatcher = createDispatcher({
    tokens: svc, prompt, documents: new FakeDocuments(), access: new OriginAccess(policy, settings, systemClock), settings, policy, clock: systemClock, logger, version: 'test',
  });
  const connection = { origin: ORIGIN, transport: 'ws' as const, signal: new AbortController().signal };
  let id = 1;
  const batch = async (data: Buffer[]): Promise<BatchReply> => {
    const items = data.map((d) => ({ kind: 'hash', params: { hash: createHash('sha256').update(d).digest('base64'), hashAlgorithm: 'SHA-256' } }));
    const reply = await dispatcher!.handle(JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'sign.batch', params: { certId, label: 'Lô / batch', items } }), connection);
    return JSON.parse(joinPieces(reply!)) as BatchReply;
  };
  return { faults, prompt, batch, certId };
}

const items = (n: number, tag: string): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.from(`${tag} item ${i}`));

describe('sign.batch off-thread on SoftHSM2', () => {
  it('cleanBatch_signsEveryItemWithC_SignAsync_inOrder', async () => {
    const { faults, prompt, batch } = await setup();
    const data = items(6, 'clean');
    faults.resetCounts();
    const reply = await batch(data);
    expect(reply.error).toBeUndefined();
    const results = reply.result!.results;
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, true]);
    results.forEach((r, i) => expect(verifyPkcs1(f.certPem, data[i]!, 'sha256', Buffer.from(r.result!.signature, 'base64'))).toBe(true));
    expect(faults.calls('C_SignAsync')).toBe(6);
    expect(faults.calls('C_Sign')).toBe(6); // the async form counts as C_Sign too
    expect(prompt.progressEvents).toEqual([1, 2, 3, 4, 5, 6].map((d) => [d, 6]));
  });

  it('deviceRemovedOnThe3rdSignature_stopsTheRest_noFurtherTokenCall_resultsInOrder', async () => {
    const { faults, prompt, batch } = await setup();
    const data = items(6, 'removed');
    faults.resetCounts();
    faults.inject({ fn: 'C_Sign', code: C.CKR_DEVICE_REMOVED, nth: 3 });
    const reply = await batch(data);
    expect(reply.error).toBeUndefined();
    const results = reply.result!.results;
    expect(results.map((r) => r.ok)).toEqual([true, true, false, false, false, false]);
    for (const i of [0, 1]) expect(verifyPkcs1(f.certPem, data[i]!, 'sha256', Buffer.from(results[i]!.result!.signature, 'base64'))).toBe(true);
    expect(results.slice(2).map((r) => r.error!.data.reason)).toEqual(['TOKEN_REMOVED', 'TOKEN_REMOVED', 'TOKEN_REMOVED', 'TOKEN_REMOVED']);
    // Items after the failed one never reached the token: exactly three signatures were attempted.
    expect(faults.calls('C_SignAsync')).toBe(3);
    expect(faults.calls('C_SignInit')).toBe(3);
    expect(prompt.progressEvents).toEqual([1, 2, 3, 4, 5, 6].map((d) => [d, 6]));
  });

  it('injectedAsyncSignFault_mapsLikeTheSyncOne_andTheNextOffThreadSignatureWorks', async () => {
    const { faults, certId } = await setup();
    await svc!.login((await svc!.getCertificate(certId)).tokenId, new TextEncoder().encode(k.softhsm.tokens.A.pin));
    const d = Buffer.from('async fault');
    const req = { certId, digest: createHash('sha256').update(d).digest(), hashAlgorithm: 'SHA-256' as const };
    faults.resetCounts();
    faults.inject({ fn: 'C_Sign', code: C.CKR_GENERAL_ERROR });
    await expect(svc!.signOffThread(req)).rejects.toMatchObject({ reason: 'MODULE_ERROR' });
    // The injected failure left SoftHSM2's sign operation active: the next signature still succeeds.
    const ok = await svc!.signOffThread(req);
    expect(verifyPkcs1(f.certPem, d, 'sha256', ok.signature)).toBe(true);
    expect(faults.calls('C_SignAsync')).toBe(2);
  });
});
