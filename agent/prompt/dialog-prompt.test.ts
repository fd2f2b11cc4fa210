// The shared dialog state machine with a fake presenter: timeout, abort, answer validation, PIN re-use, finish.
import { describe, expect, it } from 'vitest';
import type { ConfirmRequest, PromptContext } from '../core/ports.js';
import type { Cert } from '../core/types.js';
import { AnswerRejected, createDialogPrompt, type Dialog } from './dialog-prompt.js';

const logs: string[] = [];
const logger = { info: (e: string, f?: object) => logs.push(e + JSON.stringify(f ?? {})), warn: () => undefined, error: () => undefined };

function setup(dialogTimeoutMs = 5000) {
  const shown: Dialog[] = [];
  const closed: string[] = [];
  const dp = createDialogPrompt({ logger, lang: 'vi', dialogTimeoutMs, presenter: { show: (d) => void shown.push(d), update: () => undefined, close: (d) => void closed.push(d.id) } });
  return { dp, shown, closed };
}
const ctx = (): PromptContext & { ac: AbortController } => {
  const ac = new AbortController();
  return { origin: 'https://a.example', lang: 'vi', signal: ac.signal, ac };
};
const cert = { certId: 'c1', status: 'valid', hasPrivateKey: true, issuer: { commonName: 'CA' } } as Cert;
const req = (previousError?: 'PIN_INCORRECT'): ConfirmRequest => ({ subject: { kind: 'hash', hashHex: '00', hashAlgorithm: 'SHA-256' }, certificate: cert, pin: { required: true, pinpad: false, pinStatus: 'ok', ...(previousError ? { previousError } : {}) } });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('heartbeat liveness (T22)', () => {
  const hb = (heartbeatTimeoutMs: number) => {
    const shown: Dialog[] = [];
    const dp = createDialogPrompt({ logger, lang: 'vi', dialogTimeoutMs: 60_000, heartbeatTimeoutMs, presenter: { show: (d) => void shown.push(d), update: () => undefined, close: () => undefined } });
    return { dp, shown };
  };
  const block = (ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) { /* the agent busy on one large message */ }
  };

  it('a busy agent does not cancel the dialog: heartbeats queued while it was busy keep it alive', async () => {
    const { dp, shown } = hb(300);
    let settled = '';
    const p = dp.prompt.requestAccess(ctx()).then(() => (settled = 'answered'), (e: { reason: string }) => (settled = e.reason));
    await tick();
    const id = shown[0]!.id;
    dp.touch(id);
    block(1_000);
    // The page's heartbeat sent during the stall is read as I/O, after the timers that are now overdue.
    setImmediate(() => dp.touch(id));
    await new Promise((r) => setTimeout(r, 150));
    expect(settled).toBe('');
    expect(dp.get(id)).toBeDefined();
    await dp.answer(id, { page: 'access', decision: 'deny' });
    await p;
    expect(settled).toBe('answered');
  });

  it('a page that really went silent is still cancelled', async () => {
    const { dp, shown } = hb(100);
    const p = dp.prompt.requestAccess(ctx());
    await tick();
    dp.touch(shown[0]!.id);
    await expect(p).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
  });
});

describe('createDialogPrompt', () => {
  it('times out with USER_TIMEOUT and forgets the token', async () => {
    const { dp, shown } = setup(30);
    await expect(dp.prompt.requestAccess(ctx())).rejects.toMatchObject({ reason: 'USER_TIMEOUT' });
    expect(dp.get(shown[0]!.id)).toBeUndefined();
  });

  it('aborting the request rejects USER_CANCELLED and closes the dialog', async () => {
    const { dp, closed } = setup();
    const c = ctx();
    const p = dp.prompt.requestAccess(c);
    await tick();
    c.ac.abort();
    await expect(p).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
    expect(closed).toHaveLength(1);
  });

  it('tokens are 32 random bytes in base64url and unique', async () => {
    const { dp, shown } = setup();
    void dp.prompt.requestAccess(ctx()).catch(() => undefined);
    void dp.prompt.requestAccess(ctx()).catch(() => undefined);
    await tick();
    expect(shown.map((d) => d.id)).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expect.stringMatching(/^[A-Za-z0-9_-]{43}$/)]);
    expect(shown[0]!.id).not.toBe(shown[1]!.id);
    dp.closeAll();
  });

  it('rejects malformed answers and unselectable certificates', async () => {
    const { dp, shown } = setup();
    const p = dp.prompt.chooseCertificate(ctx(), [cert, { ...cert, certId: 'old', status: 'expired' }], {});
    await tick();
    const id = shown[0]!.id;
    await expect(dp.answer(id, { page: 'access', decision: 'allowOnce' })).rejects.toBeInstanceOf(AnswerRejected);
    await expect(dp.answer(id, { page: 'picker', certId: 'old' })).rejects.toMatchObject({ status: 400 });
    await dp.answer(id, { page: 'picker', certId: 'c1' });
    await expect(p).resolves.toBe(cert);
    await expect(dp.answer(id, { page: 'picker', certId: 'c1' })).rejects.toMatchObject({ status: 404 });
  });

  it('re-uses the confirmation after a wrong PIN, returns PIN bytes, never logs the PIN', async () => {
    const { dp, shown } = setup();
    const c = ctx();
    const first = dp.prompt.confirmSigning(c, req());
    await tick();
    const id = shown[0]!.id;
    await expect(dp.answer(id, { page: 'confirm', round: 1, approved: true, pin: '' })).rejects.toMatchObject({ status: 400 });
    await dp.answer(id, { page: 'confirm', round: 1, approved: true, pin: 'S3cr3t-PIN' });
    const r1 = await first;
    expect(r1.approved && Array.from(r1.pin!)).toEqual(Array.from(new TextEncoder().encode('S3cr3t-PIN')));
    const second = dp.prompt.confirmSigning(c, req('PIN_INCORRECT'));
    await tick();
    expect(shown).toHaveLength(1); // same page, not a new one
    await expect(dp.answer(id, { page: 'confirm', round: 1, approved: true, pin: 'x' })).rejects.toMatchObject({ status: 409 });
    await dp.answer(id, { page: 'confirm', round: 2, approved: false });
    await expect(second).resolves.toEqual({ approved: false });
    expect(logs.join('\n')).not.toContain('S3cr3t');
  });

  it('finish closes the working confirmation', async () => {
    const { dp, shown, closed } = setup();
    const c = ctx();
    const p = dp.prompt.confirmSigning(c, { ...req(), pin: { required: false, pinpad: false, pinStatus: 'ok' } });
    await tick();
    await dp.answer(shown[0]!.id, { page: 'confirm', round: 1, approved: true });
    await expect(p).resolves.toEqual({ approved: true });
    dp.prompt.progress(c, 1, 2);
    expect(dp.get(shown[0]!.id)?.state).toMatchObject({ phase: 'working', progress: { done: 1, total: 2 } });
    dp.prompt.finish(c);
    expect(closed).toEqual([shown[0]!.id]);
  });

  it('carries an unknown certificate status into the confirmation page state', async () => {
    const { dp, shown } = setup();
    const c = ctx();
    void dp.prompt.confirmSigning(c, { ...req(), certificateStatus: { status: 'unknown', detail: 'OCSP failed: unreachable' } }).catch(() => undefined);
    await tick();
    expect(dp.get(shown[0]!.id)?.state).toMatchObject({ page: 'confirm', certificateStatus: { status: 'unknown', detail: 'OCSP failed: unreachable' } });
    dp.closeAll();
  });
});
