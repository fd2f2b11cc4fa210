// docs/security.md T17/T18/T25 on the extension route, with the real host process, the real agent and (where a browser is
// part of the threat) Chromium with the built extension: forged origins from the page, a foreign extension or
// program calling the host, oversized frames and stream floods, the socket's permissions against a second user,
// a host/extension of another relay version, and the shim leaving every other WebSocket alone.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_EXTENSION_ID } from '../../agent/relay/index.js';
import type { TestFixture } from '../fixtures/types.js';
import { cli, ensureBuilt, startExtEnv, type ExtEnv } from './harness.js';
import { HostClient } from './host-client.js';

const run = promisify(execFile);
const OURS = `chrome-extension://${CHROMIUM_EXTENSION_ID}/`;
const TRUSTED = 'https://dichvucong.gov.vn';
let fx: TestFixture;
let e: ExtEnv;
let foreignDir: string;

beforeAll(async () => {
  fx = inject('kyso');
  process.env.SOFTHSM2_CONF = fx.softhsm.conf;
  ensureBuilt();
  // Only TRUSTED is allowed and nobody may pair: a page that could pass for TRUSTED would get tokens.
  e = await startExtEnv(fx, () => ({ allowedOrigins: [TRUSTED], allowPairing: false }));
  await e.startAgent();
  cli(['browser-integration', 'install', '--browser', 'chromium', '--user-data-dir', e.profile], e.env);
  // Another extension with nativeMessaging: Chromium gives it its own ID, which the host manifest does not list.
  foreignDir = join(e.dir, 'foreign-ext');
  mkdirSync(foreignDir);
  writeFileSync(join(foreignDir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'foreign', version: '1.0', permissions: ['nativeMessaging'], background: { service_worker: 'sw.js' } }));
  writeFileSync(join(foreignDir, 'sw.js'), 'self.ready = true;\n');
  await e.launch({ extraExtensions: [foreignDir] });
});
afterAll(() => e?.close());

describe('T17: the origin comes from the browser, never from the page', () => {
  it('a page posting frames that claim a trusted origin is still itself: refused at the stream’s open, no dialog', async () => {
    const page = await e.page('/sdk.html');
    const replies = await page.evaluate(async (trusted) => {
      const out: string[] = [];
      window.addEventListener('message', (ev) => {
        const d = ev.data as { kysoAgent?: string; op?: string; text?: string; reason?: string };
        if (d?.kysoAgent === 'extension' && (d.op === 'message' || d.op === 'closed')) out.push(d.text ?? `closed:${d.reason}`);
      });
      const post = (m: object) => window.postMessage({ kysoAgent: 'page', origin: trusted, sender: { origin: trusted }, ...m }, '*');
      post({ op: 'open', ch: 'forged1', kind: 'rpc' });
      for (let i = 0; i < 100 && out.length < 1; i++) await new Promise((r) => setTimeout(r, 100));
      post({ op: 'send', ch: 'forged1', text: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'certificates.list', params: {} }) });
      post({ op: 'send', ch: 'forged1', text: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'session.requestAccess', params: {} }) });
      await new Promise((r) => setTimeout(r, 1500));
      return out;
    }, TRUSTED);
    // Pairing is off and the page's real origin is not allowed: as at the wss door, the relay refuses the stream
    // itself (the page never gets an answer that tells it an agent is here), and what it sends after reaches nothing.
    expect(replies).toEqual(['closed:ORIGIN_NOT_ALLOWED']);
    expect(e.prompt.calls.requestAccess).toBe(0);
    expect(e.agent!.access.classify(e.origin)).not.toBe('approved');
    await page.close();
  });

  it('with pairing off, an origin not allowed is refused at the stream’s open like a blocked one; TRUSTED is let in', async () => {
    const h = HostClient.start(OURS, e.env);
    expect(await h.hello()).toMatchObject({ t: 'hello', role: 'agent' });
    h.send({ t: 'open', s: 1, kind: 'rpc', origin: 'https://la.example' });
    h.send({ t: 'open', s: 2, kind: 'vnpt', origin: 'https://la.example' });
    h.send({ t: 'open', s: 3, kind: 'rpc', origin: TRUSTED });
    await h.next((m) => m.t === 'opened' && m.s === 3);
    await h.next((m) => m.t === 'closed' && m.s === 2);
    expect(h.messages.filter((m) => m.s === 1 || m.s === 2).map((m) => ({ t: m.t, s: m.s, reason: m.reason }))).toEqual([
      { t: 'closed', s: 1, reason: 'ORIGIN_NOT_ALLOWED' },
      { t: 'closed', s: 2, reason: 'ORIGIN_NOT_ALLOWED' },
    ]);
    h.close();
    expect(await h.exited).toBe(0);
  });

  it('VNPT frames claiming a trusted domain get no certificate and open no dialog', async () => {
    const page = await e.page('/vnpt.html');
    // Pairing off: the relayed /plugin socket is refused at its open, as the compatible listener refuses the
    // upgrade, so the page's script finds no plugin at all (and not even checkPlugin says one is there).
    const r = await page.evaluate(async () => vnpt_plugin.getCertInfo().then((x) => x.result, (err: Error) => `error: ${err.message}`));
    expect(r).toBe('error: plugin not installed');
    expect(e.prompt.calls.requestAccess + e.prompt.calls.chooseCertificate).toBe(0);
    await page.close();
  });

  it('another extension is refused by the browser; our own extension reaches the host', async () => {
    const ask = (sw: { evaluate: <T>(fn: () => Promise<T>) => Promise<T> }) => sw.evaluate(() => new Promise<string>((resolve) => {
      const c = (globalThis as unknown as { chrome: { runtime: { sendNativeMessage(h: string, m: object, cb: (r: unknown) => void): void; lastError?: { message?: string } } } }).chrome;
      c.runtime.sendNativeMessage('vn.kyso.agent', { t: 'hello', relay: 1, version: '0.1.0', role: 'extension' }, (reply) => {
        resolve(c.runtime.lastError ? `error: ${c.runtime.lastError.message}` : JSON.stringify(reply));
      });
    }));
    const workers = async () => {
      for (let i = 0; i < 50 && e.context!.serviceWorkers().length < 2; i++) await new Promise((r) => setTimeout(r, 200));
      return e.context!.serviceWorkers();
    };
    const sws = await workers();
    const ours = sws.find((w) => w.url().includes(CHROMIUM_EXTENSION_ID))!;
    const foreign = sws.find((w) => !w.url().includes(CHROMIUM_EXTENSION_ID))!;
    expect(foreign).toBeTruthy();
    expect(await ask(foreign)).toMatch(/^error: .*forbidden/i);
    expect(JSON.parse(await ask(ours))).toMatchObject({ t: 'hello', relay: 1, role: 'agent' });
  });

  it('the host itself refuses a caller that is not our extension, before reaching the agent', async () => {
    const h = HostClient.start('chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/', e.env);
    expect(await h.exited).toBe(1);
    expect(h.messages[0]).toMatchObject({ t: 'error', reason: 'ORIGIN_NOT_ALLOWED' });
  });
});

describe('relay limits and versions', () => {
  it('an oversized frame ends the host with PAYLOAD_TOO_LARGE, nothing relayed', async () => {
    const h = HostClient.start(OURS, e.env);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(40 * 1024 * 1024, 0);
    h.raw(head);
    expect(await h.exited).toBe(1);
    expect(h.messages[0]).toMatchObject({ t: 'error', reason: 'PAYLOAD_TOO_LARGE' });
  });

  it('a stream flood from one origin is capped per origin', async () => {
    const h = HostClient.start(OURS, e.env);
    expect(await h.hello()).toMatchObject({ t: 'hello', role: 'agent' });
    for (let s = 1; s <= 40; s++) h.send({ t: 'open', s, kind: 'rpc', origin: TRUSTED });
    await h.next((m) => m.t === 'closed' && m.reason === 'TOO_MANY_STREAMS');
    await new Promise((r) => setTimeout(r, 300));
    expect(h.messages.filter((m) => m.t === 'opened').length).toBe(16);
    expect(h.messages.filter((m) => m.t === 'closed' && m.reason === 'TOO_MANY_STREAMS').length).toBe(24);
    // The opened streams work, with TRUSTED's rights (the host's caller vouches for the browser-given origin).
    h.send({ t: 'data', s: 1, text: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tokens.list', params: {} }) });
    const reply = await h.next((m) => m.t === 'data' && m.s === 1);
    expect(JSON.parse(reply.text as string).result.tokens.length).toBeGreaterThan(0);
    h.close();
    expect(await h.exited).toBe(0);
  });

  it('an extension speaking another relay version gets VERSION_MISMATCH naming what to update', async () => {
    const h = HostClient.start(OURS, e.env);
    const r = await h.hello(0);
    expect(r).toMatchObject({ t: 'error', reason: 'VERSION_MISMATCH' });
    expect(String(r.message)).toContain('tiện ích trình duyệt kyso-agent');
    expect(await h.exited).toBe(1);
  });
});

describe('T25: the local channel belongs to this user', () => {
  it('socket 0600 in a 0700 folder; a second user (setpriv 65534) cannot connect and opens no dialog', async () => {
    const path = e.agent!.relayPath!;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    // Let the other user walk down to the folder, so only the folder's and the socket's own modes protect it.
    chmodSync(e.dir, 0o711);
    chmodSync(e.dataDir, 0o711);
    try {
      const script = `require('net').connect(${JSON.stringify(path)}).on('connect',()=>{console.log('CONNECTED');process.exit(0)}).on('error',(x)=>{console.log(x.code);process.exit(3)})`;
      const r = await run('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, '-e', script]).catch((x: { stdout: string; code: number }) => x);
      expect(r.stdout.trim()).toBe('EACCES');
    } finally {
      chmodSync(e.dataDir, 0o700);
      chmodSync(e.dir, 0o700);
    }
    expect(e.prompt.calls.requestAccess).toBe(0);
  });

  it('doctor finds the running agent’s channel through the same checks the host makes', () => {
    const doctor = JSON.parse(cli(['doctor', '--json'], e.env)) as { extension: { relayPath: string; relayListening: boolean } };
    expect(doctor.extension).toMatchObject({ relayPath: e.agent!.relayPath, relayListening: true });
  });
});

describe('T18: the shim takes only the plugin endpoints', () => {
  it('other WebSockets are the browser’s own objects and carry the page’s bytes unchanged', async () => {
    const page = await e.page('/vnpt.html');
    const r = await page.evaluate(async (port) => {
      const url = `ws://127.0.0.1:${port}/echo`;
      const ws = new WebSocket(url);
      const desc = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(ws), 'readyState');
      const echo = await new Promise<string>((resolve, reject) => {
        ws.onopen = () => ws.send('ping ✓ 4433/plugin');
        ws.onmessage = (ev) => resolve(String(ev.data));
        ws.onerror = () => reject(new Error('error'));
      });
      const plugin = new WebSocket('wss://localhost:4433/plugin');
      const lookalike = new WebSocket('wss://localhost:4436/plugin');
      const out = {
        echo,
        nativeProto: Object.getPrototypeOf(ws) === WebSocket.prototype,
        nativeGetter: typeof desc?.get === 'function',
        pluginRelayed: Object.getPrototypeOf(plugin) !== WebSocket.prototype && plugin instanceof WebSocket,
        lookalikeNative: Object.getPrototypeOf(lookalike) === WebSocket.prototype,
        staticOpen: WebSocket.OPEN,
      };
      plugin.close();
      lookalike.close();
      ws.close();
      return out;
    }, e.port);
    expect(r).toEqual({ echo: 'ping ✓ 4433/plugin', nativeProto: true, nativeGetter: true, pluginRelayed: true, lookalikeNative: true, staticOpen: 1 });
    expect(e.echoed).toEqual(['ping ✓ 4433/plugin']);
    await page.close();
  });
});

declare const vnpt_plugin: { getCertInfo(): Promise<{ result: string }> };
