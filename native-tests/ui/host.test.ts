// The browser host's guarantees in real Chromium: headers, one-time URLs, other origins, tab close, heartbeat, panels.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALOG_CSP } from '../../agent/headless/browser-host/index.js';
import { CERTS, SHOTS, promptCtx, startHarness, type Harness } from './harness.js';

let hx: Harness;
beforeAll(async () => {
  hx = await startHarness({ heartbeatTimeoutMs: 1500 });
});
afterAll(async () => {
  await hx?.close();
});

async function pending<T>(call: () => Promise<T>) {
  const urlP = hx.nextUrl();
  const result = call();
  let settled: 'no' | 'resolved' | 'rejected' = 'no';
  result.then(() => (settled = 'resolved'), () => (settled = 'rejected'));
  return { url: await urlP, result, settled: () => settled };
}

it('serves the page with the strict CSP, no framing, no caching, no referrer, and no CORS', async () => {
  const { url, result } = await pending(() => hx.host.requestAccess(promptCtx('vi')));
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-security-policy')).toBe(DIALOG_CSP);
  expect(DIALOG_CSP).toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('access-control-allow-origin')).toBeNull();
  const state = await fetch(`${url}/state`, { headers: { origin: 'https://evil.example' } });
  expect(state.headers.get('access-control-allow-origin')).toBeNull();
  // Answer with the agent's own origin, as the page does.
  const ok = await fetch(`${url}/answer`, { method: 'POST', headers: { origin: hx.baseUrl, 'content-type': 'application/json' }, body: JSON.stringify({ page: 'access', decision: 'deny' }) });
  expect(ok.status).toBe(204);
  await expect(result).resolves.toBe('deny');
});

it('the one-time URL cannot be reused: afterwards it answers exactly like an unknown token', async () => {
  const { url, result } = await pending(() => hx.host.requestAccess(promptCtx('en')));
  const { page, context } = await hx.newPage('en');
  await page.goto(url);
  await page.getByTestId('deny').click();
  await expect(result).resolves.toBe('deny');
  const again = await fetch(url);
  const unknown = await fetch(`${hx.baseUrl}/ui/${'A'.repeat(43)}`);
  expect(again.status).toBe(404);
  expect(Buffer.from(await again.arrayBuffer())).toEqual(Buffer.from(await unknown.arrayBuffer()));
  const replay = await fetch(`${url}/answer`, { method: 'POST', headers: { origin: hx.baseUrl, 'content-type': 'application/json' }, body: JSON.stringify({ page: 'access', decision: 'allowAlways' }) });
  expect(replay.status).toBe(404);
  await context.close();
});

it('another origin can neither read nor answer a dialog', async () => {
  const { url, result, settled } = await pending(() => hx.host.requestAccess(promptCtx('vi')));
  // A page on another loopback port = another origin.
  const evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>evil</title>');
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  const { page, context } = await hx.newPage('vi');
  await page.goto(evilUrl);
  const outcome = await page.evaluate(async (target) => {
    const out: string[] = [];
    try {
      await fetch(`${target}/state`);
      out.push('read');
    } catch {
      out.push('read-blocked');
    }
    for (const body of [JSON.stringify({ page: 'access', decision: 'allowAlways' })]) {
      await fetch(`${target}/answer`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body }).catch(() => undefined);
      await fetch(`${target}/answer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(() => out.push('post-blocked'));
    }
    navigator.sendBeacon(`${target}/cancel`, '');
    return out;
  }, url);
  expect(outcome[0]).toBe('read-blocked');
  // Node-side forgeries with a foreign Origin header: identical 404s.
  const forged = await fetch(`${url}/answer`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: JSON.stringify({ page: 'access', decision: 'allowAlways' }) });
  expect(forged.status).toBe(404);
  const noOrigin = await fetch(`${url}/answer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ page: 'access', decision: 'allowAlways' }) });
  expect(noOrigin.status).toBe(404);
  await new Promise((r) => setTimeout(r, 300));
  expect(settled()).toBe('no');
  expect(hx.host.dialogs.openCount()).toBeGreaterThan(0);
  // The real page still works.
  const own = await hx.newPage('vi');
  await own.page.goto(url);
  await own.page.getByTestId('block').click();
  await expect(result).resolves.toBe('block');
  await context.close();
  await own.context.close();
  await new Promise((r) => evil.close(r));
});

it('closing the tab aborts the request with USER_CANCELLED', async () => {
  const { url, result } = await pending(() => hx.host.confirmSigning(promptCtx('vi'), { subject: { kind: 'hash', hashHex: '00'.repeat(32), hashAlgorithm: 'SHA-256' }, certificate: CERTS[0]!, pin: { required: true, pinpad: false, pinStatus: 'ok' } }));
  const { page, context } = await hx.newPage('vi');
  await page.goto(url);
  await page.getByTestId('pin').waitFor();
  const t0 = Date.now();
  await page.close({ runBeforeUnload: true });
  await expect(result).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
  expect(Date.now() - t0).toBeLessThan(5000);
  await context.close();
});

it('a page that stops polling (no heartbeat) cancels the request', async () => {
  const { url, result } = await pending(() => hx.host.requestAccess(promptCtx('vi')));
  // One poll, as a page would do, then silence.
  expect((await fetch(`${url}/state`)).status).toBe(200);
  await expect(result).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
  expect((await fetch(`${url}/state`)).status).toBe(404);
});

describe.each(['vi', 'en'] as const)('panels in %s', (lang) => {
  it('settings: revoke and unblock with the keyboard, change the PIN session', async () => {
    hx.settings.lang = lang;
    hx.settings.approvedOrigins = ['https://dichvucong.gov.vn', 'https://xn--pple-43d.com'];
    hx.settings.blockedOrigins = ['https://evil.example'];
    const url = await hx.host.openPanel('settings');
    const { page, context } = await hx.newPage(lang);
    await page.goto(url);
    await page.getByTestId('lang').waitFor();
    await page.screenshot({ path: join(SHOTS, `settings-${lang}.png`), fullPage: true });
    await page.getByTestId('revoke:https://dichvucong.gov.vn').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('revoke:https://dichvucong.gov.vn').waitFor({ state: 'detached' });
    await page.getByTestId('unblock:https://evil.example').click();
    await page.getByTestId('unblock:https://evil.example').waitFor({ state: 'detached' });
    await page.getByTestId('pin-minutes').fill('12');
    await page.getByTestId('save-minutes').click();
    await expect.poll(() => hx.settings.pinSessionMinutes).toBe(12);
    expect(hx.actions.slice(-3)).toEqual([{ kind: 'revoke', origin: 'https://dichvucong.gov.vn' }, { kind: 'unblock', origin: 'https://evil.example' }, { kind: 'pinSessionMinutes', minutes: 12 }]);
    // Switching language re-renders the page in the other language.
    await page.getByTestId('lang').selectOption(lang === 'vi' ? 'en' : 'vi');
    await page.getByRole('heading', { level: 1, name: lang === 'vi' ? 'Settings' : 'Cài đặt' }).waitFor();
    await context.close();
  });

  it('diagnostics: shows modules with reasons and copies a report without secrets', async () => {
    hx.settings.lang = lang;
    const url = await hx.host.openPanel('diagnostics');
    const { page, context } = await hx.newPage(lang);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hx.baseUrl });
    await page.goto(url);
    await page.getByRole('heading', { level: 1, name: lang === 'vi' ? 'Kiểm tra hệ thống' : 'System check' }).waitFor();
    await expect(page.locator('body').textContent()).resolves.toContain('C_Initialize: CKR_GENERAL_ERROR');
    await page.screenshot({ path: join(SHOTS, `diagnostics-${lang}.png`), fullPage: true });
    await page.getByTestId('copy').click();
    await page.getByTestId('copy-status').filter({ hasText: /./ }).waitFor();
    const text = await page.getByTestId('report-text').textContent();
    expect(text).toContain('SoftHSM2 (catalog): loaded');
    expect(text).toContain('Viettel-CA (catalog): failed — C_Initialize: CKR_GENERAL_ERROR');
    expect(text).not.toContain('MIIB'); // no certificate bodies
    await page.keyboard.press('Escape');
    await page.getByTestId('closed').waitFor();
    await context.close();
  });

  it('about: version and licences', async () => {
    hx.settings.lang = lang;
    const url = await hx.host.openPanel('about');
    const { page, context } = await hx.newPage(lang);
    await page.goto(url);
    await expect(page.locator('table').textContent()).resolves.toContain('pkcs11js');
    await page.screenshot({ path: join(SHOTS, `about-${lang}.png`), fullPage: true });
    await context.close();
  });
});
