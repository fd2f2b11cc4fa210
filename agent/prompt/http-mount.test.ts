// The '/ui/' mount over a loopback server and a fake presenter: single-use page URL, cookie binding, Secure on https.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PromptContext } from '../core/ports.js';
import { createDialogPrompt, type Dialog } from './dialog-prompt.js';
import { DIALOG_COOKIE, createUiMount, dialogCookie } from './http-mount.js';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(scheme: 'http' | 'https' = 'http') {
  const bundleDir = mkdtempSync(join(tmpdir(), 'kyso-mount-'));
  dirs.push(bundleDir);
  mkdirSync(join(bundleDir, 'assets'));
  writeFileSync(join(bundleDir, 'index.html'), '<!doctype html><title>t</title>');
  const shown: Dialog[] = [];
  const dialogs = createDialogPrompt({ logger, lang: 'vi', dialogTimeoutMs: 5000, presenter: { show: (d) => void shown.push(d), update: () => undefined, close: () => undefined } });
  let port = 0;
  const mount = createUiMount({ dialogs, logger, baseUrl: () => `${scheme}://127.0.0.1:${port}`, bundleDir });
  const server = createServer((req, res) => mount.handle(req, res));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  const ac = new AbortController();
  const ctx: PromptContext = { origin: 'https://a.example', lang: 'vi', signal: ac.signal };
  const result = dialogs.prompt.requestAccess(ctx);
  result.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 0));
  const url = `http://127.0.0.1:${port}/ui/${shown[0]!.id}`;
  return { dialogs, url, result, own: `${scheme}://127.0.0.1:${port}` };
}

const bytes = async (r: Response) => Buffer.from(await r.arrayBuffer());

describe('createUiMount', () => {
  it('binds the dialog to the first page load by a cookie; nothing else reads or answers it', async () => {
    const { url, result, own } = await setup();
    const unknown = await bytes(await fetch(url.replace(/[^/]{43}$/, 'A'.repeat(43))));
    // Before the page loaded there is no cookie that could work.
    expect((await fetch(`${url}/state`)).status).toBe(404);
    // Sub-resource and frame loads do not use the URL up.
    expect((await fetch(url, { headers: { 'sec-fetch-dest': 'image' } })).status).toBe(404);
    expect((await fetch(url, { headers: { 'sec-fetch-dest': 'iframe' } })).status).toBe(404);
    const page = await fetch(url, { headers: { 'sec-fetch-dest': 'document' } });
    expect(page.status).toBe(200);
    const setCookie = page.headers.get('set-cookie')!;
    expect(setCookie).toMatch(new RegExp(`^${DIALOG_COOKIE}=[A-Za-z0-9_-]{43}; Path=/ui/[A-Za-z0-9_-]{43}; Max-Age=\\d+; HttpOnly; SameSite=Strict$`));
    const pair = setCookie.split(';')[0]!;
    // Another cookie of the same name (another dialog's, a forged one) next to ours does not matter.
    const jar = `${DIALOG_COOKIE}=${'x'.repeat(43)}; other=1; ${pair}`;
    expect((await fetch(`${url}/state`, { headers: { cookie: jar } })).status).toBe(200);
    const wrong = await fetch(`${url}/state`, { headers: { cookie: `${DIALOG_COOKIE}=${'x'.repeat(43)}`, origin: own } });
    expect(wrong.status).toBe(404);
    expect(await bytes(wrong)).toEqual(unknown);
    const short = await fetch(`${url}/answer`, { method: 'POST', headers: { cookie: `${pair.slice(0, -1)}`, origin: own, 'content-type': 'application/json' }, body: '{"page":"access","decision":"allowAlways"}' });
    expect(short.status).toBe(404);
    const ok = await fetch(`${url}/answer`, { method: 'POST', headers: { cookie: pair, origin: own, 'content-type': 'application/json' }, body: '{"page":"access","decision":"deny"}' });
    expect(ok.status).toBe(204);
    await expect(result).resolves.toBe('deny');
  });

  it('a second page load answers like an unknown token and cancels the question', async () => {
    const { url, result, dialogs } = await setup();
    const unknown = await bytes(await fetch(url.replace(/[^/]{43}$/, 'A'.repeat(43))));
    expect((await fetch(url)).status).toBe(200);
    const again = await fetch(url);
    expect(again.status).toBe(404);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await bytes(again)).toEqual(unknown);
    await expect(result).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
    expect(dialogs.openCount()).toBe(0);
  });

  it('marks the cookie Secure when the agent is served over https, and cancel clears it', async () => {
    const { url, own, result } = await setup('https');
    const page = await fetch(url);
    const setCookie = page.headers.get('set-cookie')!;
    expect(setCookie.endsWith('; Secure')).toBe(true);
    const pair = setCookie.split(';')[0]!;
    const cancel = await fetch(`${url}/cancel`, { method: 'POST', headers: { cookie: pair, origin: own } });
    expect(cancel.status).toBe(204);
    expect(cancel.headers.get('set-cookie')).toContain('Max-Age=0');
    await expect(result).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
  });

  it('hands the confirmation its PDF (T24) only with the cookie, only while it asks, and never a previous one', async () => {
    const { dialogs, url, result, own } = await setup();
    const page = await fetch(url, { headers: { 'sec-fetch-dest': 'document' } });
    const pair = page.headers.get('set-cookie')!.split(';')[0]!;
    // The access question has no document.
    expect((await fetch(`${url}/document`, { headers: { cookie: pair } })).status).toBe(404);
    await fetch(`${url}/answer`, { method: 'POST', headers: { cookie: pair, origin: own, 'content-type': 'application/json' }, body: '{"page":"access","decision":"allowOnce"}' });
    await result;
    const ac = new AbortController();
    const ctx: PromptContext = { origin: 'https://a.example', lang: 'vi', signal: ac.signal };
    const pdf = Buffer.from('%PDF-1.7 preview');
    const subject = { kind: 'document' as const, format: 'pdf' as const, fileName: 'a.pdf', size: pdf.length, sha256Hex: '00'.repeat(32) };
    const cert = { certId: 'c' } as never;
    const pin = { required: false, pinpad: false, pinStatus: 'ok' as const };
    const confirm = dialogs.prompt.confirmSigning(ctx, { subject, certificate: cert, pin, preview: { pdf } });
    confirm.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 0));
    // The site's next question takes the same window (one window per request), so the same cookie reads it.
    expect(dialogs.get(url.slice(url.lastIndexOf('/') + 1))?.page).toBe('confirm');
    const doc = await fetch(`${url}/document`, { headers: { cookie: pair } });
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toBe('application/pdf');
    expect(await bytes(doc)).toEqual(pdf);
    expect((await fetch(`${url}/document`)).status).toBe(404);
    expect((await fetch(`${url}/document`, { headers: { cookie: pair, 'sec-fetch-site': 'cross-site' } })).status).toBe(404);
    ac.abort();
    await confirm.catch(() => undefined);
    expect((await fetch(`${url}/document`, { headers: { cookie: pair } })).status).toBe(404);
  });

  it('hands each PDF item of a batch its own document (T24) by index, only while the question asks, then lets go of them', async () => {
    const { dialogs, url, result, own } = await setup();
    const page = await fetch(url, { headers: { 'sec-fetch-dest': 'document' } });
    const pair = page.headers.get('set-cookie')!.split(';')[0]!;
    await fetch(`${url}/answer`, { method: 'POST', headers: { cookie: pair, origin: own, 'content-type': 'application/json' }, body: '{"page":"access","decision":"allowOnce"}' });
    await result;
    const ctx: PromptContext = { origin: 'https://a.example', lang: 'vi', signal: new AbortController().signal };
    const first = Buffer.from('%PDF-1.7 first item');
    // The second item's bytes are a view into a larger buffer (as a decoded message is): only the view is served.
    const big = Buffer.from('SECRET-BEFORE%PDF-1.7 third itemSECRET-AFTER');
    const third = new Uint8Array(big.buffer, big.byteOffset + 13, 19);
    const doc = (n: string) => ({ kind: 'document' as const, format: 'pdf' as const, fileName: n, size: 1, sha256Hex: '00'.repeat(32) });
    const subject = { kind: 'batch' as const, label: 'Hợp đồng', count: 3, kinds: ['pdf', 'hash'], items: [doc('a.pdf'), { kind: 'hash' as const, hashHex: '11'.repeat(32), hashAlgorithm: 'SHA-256' as const }, doc('c.pdf')] };
    const confirm = dialogs.prompt.confirmSigning(ctx, { subject, certificate: { certId: 'c' } as never, pin: { required: false, pinpad: false, pinStatus: 'ok' }, preview: { items: [first, undefined, third] } });
    confirm.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 0));
    const get = (path: string, headers: Record<string, string> = { cookie: pair }) => fetch(`${url}/document${path}`, { headers });
    expect(await bytes(await get('/0'))).toEqual(first);
    const served = await get('/2');
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect((await bytes(served)).toString()).toBe('%PDF-1.7 third item');
    // A hash item, past the end, the batch as a whole, malformed indexes, deeper paths, no cookie: all 404.
    for (const path of ['/1', '/3', '', '/01', '/-1', '/1e0', '/0/x', '/999999999']) expect((await get(path)).status, path).toBe(404);
    expect((await get('/0', {})).status).toBe(404);
    expect((await get('/0', { cookie: pair, 'sec-fetch-site': 'same-site' })).status).toBe(404);
    // Approved: the agent signs; the page gets no more documents and the dialog holds none.
    const id = url.slice(url.lastIndexOf('/') + 1);
    const answered = await fetch(`${url}/answer`, { method: 'POST', headers: { cookie: pair, origin: own, 'content-type': 'application/json' }, body: JSON.stringify({ page: 'confirm', round: 1, approved: true, rev: dialogs.get(id)!.state.rev }) });
    expect(answered.status).toBe(204);
    await expect(confirm).resolves.toEqual({ approved: true });
    expect(dialogs.get(id)?.page).toBe('confirm');
    expect(dialogs.get(id)?.preview).toBeUndefined();
    expect((await get('/0')).status).toBe(404);
  });

  it('dialogCookie scopes the cookie to the dialog path', () => {
    expect(dialogCookie('T', 's', false)).toBe(`${DIALOG_COOKIE}=s; Path=/ui/T; Max-Age=43200; HttpOnly; SameSite=Strict`);
    expect(dialogCookie('T', '', true)).toBe(`${DIALOG_COOKIE}=; Path=/ui/T; Max-Age=0; HttpOnly; SameSite=Strict; Secure`);
  });
});
