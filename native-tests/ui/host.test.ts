// The browser host's guarantees in real Chromium: headers, one-time URLs bound to the opening browser by a cookie,
// other origins, tab close, heartbeat, panels.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALOG_CSP } from '../../agent/prompt/index.js';
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

/** The `name=value` of the dialog cookie a page response set, and its attributes. */
function cookieOf(res: Response): { pair: string; attrs: string } {
  const set = res.headers.get('set-cookie') ?? '';
  const [pair = '', ...attrs] = set.split(';').map((x) => x.trim());
  return { pair, attrs: attrs.join('; ') };
}

const unknownBytes = async () => Buffer.from(await (await fetch(`${hx.baseUrl}/ui/${'A'.repeat(43)}`)).arrayBuffer());

it('serves the page with the strict CSP, no framing, no caching, no referrer, no CORS, and a per-dialog HttpOnly cookie', async () => {
  const { url, result } = await pending(() => hx.host.requestAccess(promptCtx('vi')));
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-security-policy')).toBe(DIALOG_CSP);
  expect(DIALOG_CSP).toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('access-control-allow-origin')).toBeNull();
  const { pair, attrs } = cookieOf(res);
  expect(pair).toMatch(/^kyso_dialog=[A-Za-z0-9_-]{43}$/);
  expect(attrs).toContain(`Path=${new URL(url).pathname}`);
  expect(attrs).toContain('HttpOnly');
  expect(attrs).toContain('SameSite=Strict');
  expect(attrs).not.toContain('Secure'); // plain http base URL here; https adds Secure (unit test)
  const state = await fetch(`${url}/state`, { headers: { origin: 'https://evil.example', cookie: pair } });
  expect(state.headers.get('access-control-allow-origin')).toBeNull();
  // Answer with the agent's own origin and the cookie, as the page does.
  const ok = await fetch(`${url}/answer`, { method: 'POST', headers: { origin: hx.baseUrl, 'content-type': 'application/json', cookie: pair }, body: JSON.stringify({ page: 'access', decision: 'deny' }) });
  expect(ok.status).toBe(204);
  expect(cookieOf(ok).attrs).toContain('Max-Age=0'); // the answered dialog's cookie is dropped
  await expect(result).resolves.toBe('deny');
});

it('a client that knows the URL token but not the cookie can neither read, answer nor cancel — before and after the page loaded', async () => {
  const ctx = promptCtx('vi');
  // The attack this guards against: no PIN needed (cached PIN session), so one forged "approved" would sign.
  const { url, result, settled } = await pending(() =>
    hx.host.confirmSigning(ctx, { subject: { kind: 'hash', hashHex: 'cd'.repeat(32), hashAlgorithm: 'SHA-256' }, certificate: CERTS[0]!, pin: { required: false, pinpad: false, pinStatus: 'ok' } }),
  );
  const notFound = await unknownBytes();
  const forged = { origin: hx.baseUrl, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };
  const approve = JSON.stringify({ page: 'confirm', round: 1, approved: true });
  const attempt = async (cookie?: string) => {
    const headers = cookie ? { ...forged, cookie } : forged;
    for (const res of [
      await fetch(`${url}/state`, { headers }),
      await fetch(`${url}/answer`, { method: 'POST', headers, body: approve }),
      await fetch(`${url}/cancel`, { method: 'POST', headers, body: '' }),
    ]) {
      expect(res.status).toBe(404);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(notFound);
    }
  };
  await attempt();
  await attempt(`kyso_dialog=${'B'.repeat(43)}`);
  expect(settled()).toBe('no');

  const { page, context } = await hx.newPage('vi');
  await page.goto(url);
  await page.getByTestId('sign').waitFor();
  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({ name: 'kyso_dialog', path: new URL(url).pathname, httpOnly: true, sameSite: 'Strict' });
  await attempt();
  await attempt(`kyso_dialog=${'B'.repeat(43)}`);
  await new Promise((r) => setTimeout(r, 200));
  expect(settled()).toBe('no');
  expect(hx.host.dialogs.openCount()).toBe(1);

  // The real page, with its cookie, still answers.
  await page.getByTestId('sign').click();
  await expect(result).resolves.toEqual({ approved: true });
  hx.host.finish(ctx);
  await context.close();
});

it('the page URL opens once: a second GET is an unknown token and ends the dialog (so does a reload)', async () => {
  const { url, result } = await pending(() => hx.host.requestAccess(promptCtx('vi')));
  const { page, context } = await hx.newPage('vi');
  await page.goto(url);
  await page.getByTestId('deny').waitFor();
  // Someone else (a second tab, another user who read the URL) fetches the page: same bytes as an unknown token.
  const second = await fetch(url);
  expect(second.status).toBe(404);
  expect(second.headers.get('set-cookie')).toBeNull();
  expect(Buffer.from(await second.arrayBuffer())).toEqual(await unknownBytes());
  // …and the dialog is over: the user's page can no longer be trusted to be the only one.
  await expect(result).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
  await page.getByTestId('closed').waitFor();
  await context.close();

  // Reloading is not supported: the reload is that second GET, so it cancels too; the site asks again.
  const again = await pending(() => hx.host.requestAccess(promptCtx('en')));
  const tab = await hx.newPage('en');
  await tab.page.goto(again.url);
  await tab.page.getByTestId('deny').waitFor();
  const reload = await tab.page.reload();
  expect(reload?.status()).toBe(404);
  await expect(again.result).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
  expect(hx.host.dialogs.openCount()).toBe(0);
  await tab.context.close();
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
  // The page is fetched and polled once, as a browser would, then silence.
  const { pair: cookie } = cookieOf(await fetch(url));
  expect((await fetch(`${url}/state`, { headers: { cookie } })).status).toBe(200);
  await expect(result).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
  expect((await fetch(`${url}/state`, { headers: { cookie } })).status).toBe(404);
});

describe.each(['vi', 'en'] as const)('panels in %s', (lang) => {
  it('settings: revoke and unblock with the keyboard, change the PIN session', async () => {
    hx.settings.lang = lang;
    hx.settings.approvedOrigins = ['https://dichvucong.gov.vn', 'https://xn--pple-43d.com'];
    hx.settings.blockedOrigins = ['https://evil.example'];
    // The other language's run left 12 here; without a reset the poll below would pass before this run's save lands.
    hx.settings.pinSessionMinutes = 5;
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
    await expect.poll(() => hx.actions.at(-1)).toEqual({ kind: 'pinSessionMinutes', minutes: 12 });
    expect(hx.settings.pinSessionMinutes).toBe(12);
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
