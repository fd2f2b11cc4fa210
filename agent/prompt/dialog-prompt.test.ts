// The shared dialog state machine with a fake presenter: timeout, abort, answer validation, PIN re-use, finish.
import { describe, expect, it } from 'vitest';
import type { ConfirmRequest, PromptContext } from '../core/ports.js';
import type { Cert } from '../core/types.js';
import { AnswerRejected, createDialogPrompt, type Dialog } from './dialog-prompt.js';

const logs: string[] = [];
const logger = { info: (e: string, f?: object) => logs.push(e + JSON.stringify(f ?? {})), warn: () => undefined, error: () => undefined };

function setup(dialogTimeoutMs = 5000, extra: { lingerMs?: number; show?: (d: Dialog) => Promise<void> | void; onUnavailable?: (d: string) => void } = {}) {
  const shown: Dialog[] = [];
  const closed: string[] = [];
  const revealed: string[] = [];
  const dp = createDialogPrompt({
    logger, lang: 'vi', dialogTimeoutMs, ...(extra.lingerMs !== undefined ? { lingerMs: extra.lingerMs } : {}), ...(extra.onUnavailable ? { onUnavailable: extra.onUnavailable } : {}),
    presenter: { show: extra.show ?? ((d) => void shown.push(d)), update: () => undefined, close: (d) => void closed.push(d.id), reveal: (d) => void revealed.push(d.id) },
  });
  return { dp, shown, closed, revealed };
}
const ctx = (origin = 'https://a.example'): PromptContext & { ac: AbortController } => {
  const ac = new AbortController();
  return { origin, lang: 'vi', signal: ac.signal, ac };
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
  it('times out with USER_TIMEOUT, says so in the window, and forgets the token after the linger time', async () => {
    const { dp, shown, closed } = setup(30, { lingerMs: 40 });
    await expect(dp.prompt.requestAccess(ctx())).rejects.toMatchObject({ reason: 'USER_TIMEOUT' });
    expect(dp.get(shown[0]!.id)?.state).toMatchObject({ page: 'end', outcome: 'timeout' });
    await new Promise((r) => setTimeout(r, 80));
    expect(dp.get(shown[0]!.id)).toBeUndefined();
    expect(closed).toEqual([shown[0]!.id]);
  });

  it('aborting the request rejects USER_CANCELLED and the window says "cancelled"', async () => {
    const { dp, shown, closed } = setup(5000, { lingerMs: 0 });
    const c = ctx();
    const p = dp.prompt.requestAccess(c);
    await tick();
    c.ac.abort();
    await expect(p).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
    expect(closed).toEqual([shown[0]!.id]);
    const s2 = setup();
    const c2 = ctx();
    const p2 = s2.dp.prompt.requestAccess(c2);
    await tick();
    c2.ac.abort();
    await expect(p2).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
    expect(s2.dp.get(s2.shown[0]!.id)?.state).toMatchObject({ page: 'end', outcome: 'cancelled' });
    s2.dp.closeAll();
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
    // The window now rests on its last words: a second answer is late.
    await expect(dp.answer(id, { page: 'picker', certId: 'c1' })).rejects.toMatchObject({ status: 409 });
    dp.closeAll();
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

  it('finish ends the working confirmation with what happened', async () => {
    const { dp, shown, closed } = setup();
    const c = ctx();
    const p = dp.prompt.confirmSigning(c, { ...req(), pin: { required: false, pinpad: false, pinStatus: 'ok' } });
    await tick();
    await dp.answer(shown[0]!.id, { page: 'confirm', round: 1, approved: true });
    await expect(p).resolves.toEqual({ approved: true });
    dp.prompt.progress(c, 1, 2);
    expect(dp.get(shown[0]!.id)?.state).toMatchObject({ phase: 'working', progress: { done: 1, total: 2 } });
    dp.prompt.finish(c, 'done');
    expect(dp.get(shown[0]!.id)?.state).toMatchObject({ page: 'end', outcome: 'signed' });
    expect(closed).toEqual([]);
    dp.closeAll();
    expect(closed).toEqual([shown[0]!.id]);
  });

  it('one window per request: allow → pick → confirm move through the same dialog, shown once', async () => {
    const { dp, shown, revealed } = setup();
    const access = ctx();
    const pa = dp.prompt.requestAccess(access);
    await tick();
    const id = shown[0]!.id;
    await dp.answer(id, { page: 'access', decision: 'allowOnce' });
    await expect(pa).resolves.toBe('allowOnce');
    expect(dp.get(id)?.state).toMatchObject({ page: 'end', outcome: 'allowed' });
    dp.prompt.finish(access, 'done');
    const pick = ctx();
    const pp = dp.prompt.chooseCertificate(pick, [cert], {});
    await tick();
    expect(shown).toHaveLength(1);
    expect(revealed).toEqual([id]);
    expect(dp.get(id)?.state).toMatchObject({ page: 'picker' });
    // The page sends the revision it showed with every answer.
    await dp.answer(id, { page: 'picker', certId: 'c1', rev: dp.get(id)!.state.rev });
    await expect(pp).resolves.toBe(cert);
    const sign = ctx();
    const ps = dp.prompt.confirmSigning(sign, { ...req(), pin: { required: false, pinpad: false, pinStatus: 'ok' } });
    await tick();
    expect(shown).toHaveLength(1);
    const rev = dp.get(id)!.state.rev;
    await dp.answer(id, { page: 'confirm', round: 1, approved: true, rev });
    await expect(ps).resolves.toEqual({ approved: true });
    dp.prompt.finish(sign, 'failed');
    expect(dp.get(id)?.state).toMatchObject({ page: 'end', outcome: 'failed' });
    expect(dp.get(id)!.state.rev).toBeGreaterThan(rev);
    // Another site never gets this window.
    void dp.prompt.requestAccess(ctx('https://b.example')).catch(() => undefined);
    await tick();
    expect(shown).toHaveLength(2);
    expect(shown[1]!.id).not.toBe(id);
    dp.closeAll();
  });

  it('a reused window refuses a late answer made on the previous question (double click, held Enter, retried POST)', async () => {
    const { dp, shown } = setup();
    const first = ctx();
    const p1 = dp.prompt.confirmSigning(first, { ...req(), pin: { required: false, pinpad: false, pinStatus: 'ok' } });
    await tick();
    const id = shown[0]!.id;
    const firstRev = dp.get(id)!.state.rev;
    await dp.answer(id, { page: 'confirm', round: 1, approved: true, rev: firstRev });
    await expect(p1).resolves.toEqual({ approved: true });
    dp.prompt.finish(first, 'done');
    // The same site's next document arrives in the same window…
    const second = ctx();
    const p2 = dp.prompt.confirmSigning(second, { ...req(), pin: { required: false, pinpad: false, pinStatus: 'ok' } });
    await tick();
    expect(shown).toHaveLength(1);
    expect(dp.get(id)?.state).toMatchObject({ page: 'confirm', round: 1 });
    // …and the first page's approval, replayed or sent twice, does not sign it: with its old revision or none.
    await expect(dp.answer(id, { page: 'confirm', round: 1, approved: true, rev: firstRev })).rejects.toMatchObject({ status: 409 });
    await expect(dp.answer(id, { page: 'confirm', round: 1, approved: true })).rejects.toMatchObject({ status: 409 });
    let settled = false;
    void p2.then(() => (settled = true), () => (settled = true));
    await tick();
    expect(settled).toBe(false);
    // An answer made on the page the user sees now is taken.
    await dp.answer(id, { page: 'confirm', round: 1, approved: false, rev: dp.get(id)!.state.rev });
    await expect(p2).resolves.toEqual({ approved: false });
    dp.closeAll();
  });

  it('a window that cannot be shown answers UI_UNAVAILABLE (not retriable) at once, and reports it', async () => {
    const unavailable: string[] = [];
    const { dp } = setup(60_000, { show: () => Promise.reject(new Error('no display')), onUnavailable: (d) => void unavailable.push(d) });
    const err = await dp.prompt.requestAccess(ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'UI_UNAVAILABLE', retriable: false });
    expect((err as Error).message).toMatch(/Không mở được.*could not show/);
    expect(unavailable).toEqual(['no display']);
    expect(dp.openCount()).toBe(0);
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

describe('verify panel', () => {
  const rendered = { lang: 'vi' as const, verdict: 'valid' as const, verdictWord: 'HỢP LỆ', reasonText: 'ok', rows: [], notice: null, signatures: [] };
  const panels = (verify?: (input: { document: Uint8Array; fileName: string }) => Promise<typeof rendered>) => ({
    settings: async () => { throw new Error('no'); }, applySettings: async () => undefined, diagnostics: async () => { throw new Error('no'); }, about: async () => { throw new Error('no'); },
    ...(verify ? { verify } : {}),
  });
  const make = (verify?: Parameters<typeof panels>[0]) => createDialogPrompt({ logger, lang: 'vi', dialogTimeoutMs: 5000, panels: panels(verify), presenter: { show: () => undefined, update: () => undefined, close: () => undefined } });

  it('a dropped file goes working → done with the rendered report; a second file while working is refused', async () => {
    let release!: () => void;
    const seen: Array<{ document: Uint8Array; fileName: string }> = [];
    const dp = make((input) => {
      seen.push(input);
      return new Promise((r) => (release = () => r(rendered)));
    });
    const d = await dp.openPanel('verify');
    expect(d.state).toMatchObject({ page: 'verify', verify: { phase: 'idle' } });
    await dp.answer(d.id, { page: 'verify', fileName: 'hợp đồng.pdf', document: Buffer.from('%PDF').toString('base64'), rev: d.state.rev });
    expect(d.state).toMatchObject({ verify: { phase: 'working', fileName: 'hợp đồng.pdf' } });
    expect(Buffer.from(seen[0]!.document).toString()).toBe('%PDF');
    await expect(dp.answer(d.id, { page: 'verify', fileName: 'x.pdf', document: '', rev: d.state.rev })).rejects.toBeInstanceOf(AnswerRejected);
    release();
    await tick();
    expect(d.state).toMatchObject({ verify: { phase: 'done', report: { verdictWord: 'HỢP LỆ' } } });
    expect(logs.some((l) => l.includes('hợp đồng'))).toBe(false);
  });

  it('an unreadable file shows its reason; without a verifier the answer is refused', async () => {
    const { AgentError } = await import('../core/errors.js');
    const dp = make(async () => {
      throw new AgentError('DOCUMENT_INVALID', 'x', { detail: 'not a PDF, XML, CMS or Office file' });
    });
    const d = await dp.openPanel('verify');
    await dp.answer(d.id, { page: 'verify', fileName: 'a.txt', document: 'eA==', rev: d.state.rev });
    await tick();
    expect(d.state).toMatchObject({ verify: { phase: 'done', error: { reason: 'DOCUMENT_INVALID', detail: 'not a PDF, XML, CMS or Office file' } } });
    const none = make();
    const e = await none.openPanel('verify');
    await expect(none.answer(e.id, { page: 'verify', fileName: 'a.pdf', document: 'eA==', rev: e.state.rev })).rejects.toMatchObject({ status: 400 });
  });
});
