// The Electron shell over a fake `electron`: window options, navigation denial, IPC sender checks, tray, single instance.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PromptContext } from '../core/ports.js';
import type { KysoPreloadApi } from '../core/ui-contract.js';

vi.mock('electron', async () => (await import('./testing/fake-electron.js')).fake);

const fake = await import('./testing/fake-electron.js');
const { fakeAgent: baseFakeAgent } = await import('./testing/fake-agent.js');
const { createDialogWindow } = await import('./window-options.js');
const { dialogOfSender } = await import('./ipc.js');
const { trayMenuTemplate } = await import('./tray.js');
const { runElectron } = await import('./main.js');
const { serveUi, UI_PAGE_URL } = await import('./ui-protocol.js');
const { setStartAtLogin, getStartAtLogin } = await import('./login-item.js');
const { DIALOG_CSP } = await import('../prompt/http-mount.js');

const fakeAgent = () => baseFakeAgent(vi.fn(async () => undefined));

beforeEach(() => {
  fake.FakeBrowserWindow.all.length = 0;
  fake.ipcMain.handlers.clear();
  fake.ipcMain.listeners.clear();
  fake.app.removeAllListeners();
  fake.app.lock = true;
  fake.app.quitCalls = 0;
});

describe('dialog windows', () => {
  it('are sandboxed, isolated, without Node, always on top', () => {
    createDialogWindow('/x/preload.cjs', 't');
    const w = fake.FakeBrowserWindow.all[0]!;
    expect(w.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, preload: '/x/preload.cjs' });
    expect(w.options.alwaysOnTop).toBe(true);
  });

  it('deny navigation and new windows', () => {
    createDialogWindow('/p', 't');
    const wc = fake.FakeBrowserWindow.all[0]!.webContents;
    for (const ev of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const e = { preventDefault: vi.fn() };
      wc.emit(ev, e, 'https://evil.example/');
      expect(e.preventDefault).toHaveBeenCalled();
    }
    expect(wc.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('IPC sender validation', () => {
  const bindings = new Map<number, string>([[7, 'dialog-7']]);
  const ev = (id: number, url: string, sub = false) => {
    const mainFrame = { url };
    return { sender: { id, mainFrame }, senderFrame: sub ? { url } : mainFrame } as never;
  };
  it('accepts only the main frame of a bound window showing our page', () => {
    expect(dialogOfSender(ev(7, UI_PAGE_URL), bindings)).toBe('dialog-7');
    expect(dialogOfSender(ev(8, UI_PAGE_URL), bindings)).toBeNull();
    expect(dialogOfSender(ev(7, 'https://evil.example/'), bindings)).toBeNull();
    expect(dialogOfSender(ev(7, UI_PAGE_URL, true), bindings)).toBeNull();
  });
});

describe('tray menu', () => {
  it('wires diagnostics, sites, settings, language and quit', () => {
    const actions = { openPanel: vi.fn(), setLanguage: vi.fn(), quit: vi.fn() };
    const items = trayMenuTemplate('vi', actions);
    const byId = (id: string) => items.find((i) => i.id === id) ?? items.flatMap((i) => (Array.isArray(i.submenu) ? i.submenu : [])).find((i) => i.id === id);
    expect(byId('diagnostics')?.label).toBe('Kiểm tra hệ thống');
    (byId('diagnostics')?.click as () => void)();
    (byId('sites')?.click as () => void)();
    (byId('lang-en')?.click as () => void)();
    (byId('quit')?.click as () => void)();
    expect(actions.openPanel.mock.calls).toEqual([['diagnostics'], ['settings']]);
    expect(actions.setLanguage).toHaveBeenCalledWith('en');
    expect(actions.quit).toHaveBeenCalled();
    expect(trayMenuTemplate('en', actions).find((i) => i.id === 'diagnostics')?.label).toBe('System check');
  });
});

describe('runElectron', () => {
  it('a second instance quits without starting the agent', async () => {
    fake.app.lock = false;
    const start = vi.fn();
    await expect(runElectron({ start, preloadPath: '/p' })).resolves.toBeNull();
    expect(start).not.toHaveBeenCalled();
    expect(fake.app.quitCalls).toBe(1);
  });

  it('starts the agent with window dialogs; IPC drives them; closing a window cancels', async () => {
    const agent = fakeAgent();
    const start = vi.fn(async (_o: unknown) => agent);
    const shell = (await runElectron({ start, preloadPath: '/p/preload.cjs', bundleDir: '/nonexistent', dialogTimeoutMs: 10_000 }))!;
    expect(start.mock.calls[0]![0]).toMatchObject({ prompt: shell.dialogs.prompt });
    expect(fake.protocol.handlers.has('kyso-ui')).toBe(true);
    expect(fake.Tray.last?.menu?.template.length).toBeGreaterThan(3);
    // Permission requests from pages are refused.
    const cb = vi.fn();
    fake.session.defaultSession.permissionHandler?.({}, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);

    const ac = new AbortController();
    const ctx: PromptContext = { origin: 'https://dichvucong.gov.vn', signal: ac.signal, lang: 'vi' };
    const asked = shell.dialogs.prompt.requestAccess(ctx);
    await vi.waitFor(() => expect(fake.FakeBrowserWindow.all.length).toBe(1));
    const win = fake.FakeBrowserWindow.all[0]!;
    await vi.waitFor(() => expect(win.loaded).toBe(UI_PAGE_URL));
    const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const state = await fake.ipcMain.handlers.get('kyso:state')!(event);
    expect(state).toMatchObject({ page: 'access', origin: 'https://dichvucong.gov.vn' });
    // A stranger's frame is refused.
    await expect(Promise.resolve().then(() => fake.ipcMain.handlers.get('kyso:answer')!({ sender: { id: 999, mainFrame: {} }, senderFrame: {} }, { page: 'access', decision: 'allowAlways' }))).rejects.toThrow();
    await fake.ipcMain.handlers.get('kyso:answer')!(event, { page: 'access', decision: 'allowOnce' });
    await expect(asked).resolves.toBe('allowOnce');
    // One window per request: it stays on its last words and takes the same site's next question.
    expect(win.destroyed).toBe(false);
    expect(await fake.ipcMain.handlers.get('kyso:state')!(event)).toMatchObject({ page: 'end', outcome: 'allowed' });

    const again = shell.dialogs.prompt.requestAccess({ ...ctx, signal: new AbortController().signal });
    await vi.waitFor(async () => expect(await fake.ipcMain.handlers.get('kyso:state')!(event)).toMatchObject({ page: 'access' }));
    expect(fake.FakeBrowserWindow.all.length).toBe(1);
    win.userClose();
    await expect(again).rejects.toMatchObject({ reason: 'USER_CANCELLED' });

    // Tray → diagnostics opens a window; quitting stops the agent.
    (fake.Tray.last!.menu!.template.find((i) => i.id === 'diagnostics')!.click as () => void)();
    await vi.waitFor(() => expect(fake.FakeBrowserWindow.all.length).toBe(2));
    // `kyso-agent ui settings` reaches the tray app through the opener it gave startAgent: a window of its own.
    const opener = (start.mock.calls[0]![0] as { panelOpener: (page: 'settings') => Promise<{ kind: string }> }).panelOpener;
    await expect(opener('settings')).resolves.toEqual({ kind: 'shown' });
    expect(fake.FakeBrowserWindow.all.length).toBe(3);
    const prevent = vi.fn();
    fake.app.emit('before-quit', { preventDefault: prevent });
    expect(prevent).toHaveBeenCalled();
    await vi.waitFor(() => expect(agent.stop).toHaveBeenCalled());
  });
});

describe('the confirmation\'s page preview (docs/security.md T24)', () => {
  it('the preload hands each PDF of the window\'s own confirmation over IPC, exact bytes, only while it asks', async () => {
    const shell = (await runElectron({ start: async () => fakeAgent(), preloadPath: '/p/preload.cjs', bundleDir: '/nonexistent', dialogTimeoutMs: 10_000 }))!;
    // The real preload, over the fake contextBridge / ipcRenderer (which reach the main process's handlers).
    await import('./preload.js');
    const api = fake.contextBridge.exposed.get('kyso') as KysoPreloadApi;
    const first = new TextEncoder().encode('%PDF-1.7 first');
    // A view into a larger buffer (a decoded message): IPC would serialise the whole buffer, so only the view may go.
    const big = new TextEncoder().encode('OTHER-ITEM%PDF-1.7 thirdOTHER-ITEM');
    const third = big.subarray(10, 24);
    const doc = (n: string) => ({ kind: 'document' as const, format: 'pdf' as const, fileName: n, size: 1, sha256Hex: '00'.repeat(32) });
    const subject = { kind: 'batch' as const, label: 'Hợp đồng', count: 3, kinds: ['pdf', 'hash'], items: [doc('a.pdf'), { kind: 'hash' as const, hashHex: '11'.repeat(32), hashAlgorithm: 'SHA-256' as const }, doc('c.pdf')] };
    const ctx: PromptContext = { origin: 'https://a.example', signal: new AbortController().signal, lang: 'vi' };
    const asked = shell.dialogs.prompt.confirmSigning(ctx, { subject, certificate: { certId: 'c' } as never, pin: { required: false, pinpad: false, pinStatus: 'ok' }, preview: { items: [first, undefined, third] } });
    await vi.waitFor(() => expect(fake.FakeBrowserWindow.all[0]?.loaded).toBe(UI_PAGE_URL));
    const win = fake.FakeBrowserWindow.all[0]!;
    fake.ipcRenderer.event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    expect(await api.getDocument(0)).toEqual(first);
    const got = (await api.getDocument(2))!;
    expect(new TextDecoder().decode(got)).toBe('%PDF-1.7 third');
    expect(got.buffer.byteLength).toBe(got.byteLength);
    for (const item of [1, 3, undefined, -1, 1.5, '0', 'x'] as unknown[]) expect(await api.getDocument(item as number), String(item)).toBeNull();
    // Another window, a subframe, or the page on another URL: nothing.
    fake.ipcRenderer.event = { sender: { id: 999, mainFrame: {} }, senderFrame: {} };
    expect(await api.getDocument(0)).toBeNull();
    fake.ipcRenderer.event = { sender: win.webContents, senderFrame: { url: UI_PAGE_URL } };
    expect(await api.getDocument(0)).toBeNull();
    // Approved: the agent signs; no more documents, and the dialog keeps none.
    fake.ipcRenderer.event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const state = (await api.getState()) as { rev: number };
    await api.answer({ page: 'confirm', round: 1, approved: true, rev: state.rev });
    await expect(asked).resolves.toEqual({ approved: true });
    expect(await api.getDocument(0)).toBeNull();
  });

  it('a sign.pdf\'s one document goes to its window the same way', async () => {
    const shell = (await runElectron({ start: async () => fakeAgent(), preloadPath: '/p/preload.cjs', bundleDir: '/nonexistent', dialogTimeoutMs: 10_000 }))!;
    await import('./preload.js');
    const api = fake.contextBridge.exposed.get('kyso') as KysoPreloadApi;
    const pdf = new TextEncoder().encode('%PDF-1.7 one');
    const ac = new AbortController();
    const asked = shell.dialogs.prompt.confirmSigning({ origin: 'https://a.example', signal: ac.signal, lang: 'vi' }, {
      subject: { kind: 'document', format: 'pdf', fileName: 'a.pdf', size: pdf.length, sha256Hex: '00'.repeat(32) }, certificate: { certId: 'c' } as never, pin: { required: false, pinpad: false, pinStatus: 'ok' }, preview: { pdf },
    });
    asked.catch(() => undefined);
    await vi.waitFor(() => expect(fake.FakeBrowserWindow.all[0]?.loaded).toBe(UI_PAGE_URL));
    const win = fake.FakeBrowserWindow.all[0]!;
    fake.ipcRenderer.event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    expect(await api.getDocument()).toEqual(pdf);
    expect(await api.getDocument(0)).toBeNull();
    ac.abort();
    await expect(asked).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
    expect(await api.getDocument()).toBeNull();
  });
});

describe('kyso-ui protocol', () => {
  it('serves pdf.js and its worker as scripts under the browser host\'s CSP (script-src and worker-src \'self\')', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyso-ui-'));
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'assets'));
    for (const f of ['pdf.mjs', 'pdf.worker.mjs']) await writeFile(join(dir, 'assets', f), 'export {};');
    for (const f of ['pdf.mjs', 'pdf.worker.mjs']) {
      const r = await serveUi(dir, `kyso-ui://app/assets/${f}`);
      expect(r.status, f).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(r.headers.get('content-security-policy')).toBe(DIALOG_CSP);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(DIALOG_CSP).toContain("script-src 'self'");
    expect(DIALOG_CSP).toContain("worker-src 'self'");
    // No document route on the scheme: the page never names a document; the preload is the only way.
    expect((await serveUi(dir, 'kyso-ui://app/document')).status).toBe(404);
  });

  it('serves the bundle with the CSP and refuses paths outside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyso-ui-'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'index.html'), '<!doctype html>');
    const ok = await serveUi(dir, 'kyso-ui://app/index.html');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await serveUi(dir, 'kyso-ui://app/%2e%2e/%2e%2e/etc/passwd.html')).status).toBe(404);
    expect((await serveUi(dir, 'kyso-ui://other/index.html')).status).toBe(404);
  });
});

describe('start at login', () => {
  it('writes and removes an XDG autostart entry on Linux, uses login items elsewhere', async () => {
    const configHome = await mkdtemp(join(tmpdir(), 'kyso-cfg-'));
    const env = { platform: 'linux' as const, configHome, execPath: '/opt/kyso agent/kyso-agent' };
    await setStartAtLogin(true, env);
    expect(await readFile(join(configHome, 'autostart', 'kyso-agent.desktop'), 'utf8')).toContain('Exec="/opt/kyso agent/kyso-agent" --hidden');
    expect(await getStartAtLogin(env)).toBe(true);
    await setStartAtLogin(false, env);
    expect(await getStartAtLogin(env)).toBe(false);
    await setStartAtLogin(true, { ...env, platform: 'win32' });
    expect(fake.app.loginItem.openAtLogin).toBe(true);
  });
});
