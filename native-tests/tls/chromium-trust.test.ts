// Real TLS end to end: `ca install` into a temp HOME's NSS DB, then headless Chromium (no certificate-error flags)
// reaches wss://127.0.0.1:<port>/v1/ws and gets agent.info; with a HOME without the CA the same page fails.
import 'reflect-metadata';
import { X509Certificate as NodeX509, createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTokenService } from '../../agent/core/testing/fake-token-service.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import { caStatus, installCa, prepareTls, uninstallCa } from '../../agent/tls/index.js';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

let dir: string;
let home: string;
let emptyHome: string;
let agent: RunningAgent;
let page: Server;
let pageOrigin: string;

function pageHtml(tlsPort: number): string {
  return `<!doctype html><meta charset="utf-8"><title>kyso test</title><script>
  window.result = new Promise((resolve) => {
    const ws = new WebSocket('wss://127.0.0.1:${tlsPort}/v1/ws');
    ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'agent.info' }));
    ws.onmessage = (e) => { resolve({ ok: true, reply: JSON.parse(e.data) }); ws.close(); };
    ws.onerror = () => resolve({ ok: false });
  });
  </script>`;
}

async function visit(homeDir: string): Promise<{ ok: boolean; reply?: { result?: { name?: string; version?: string } } }> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS, env: { HOME: homeDir, PATH: process.env.PATH ?? '' } });
  try {
    const p = await browser.newPage();
    await p.goto(`${pageOrigin}/`);
    return (await p.evaluate('window.result')) as { ok: boolean };
  } finally {
    await browser.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kyso-tls-'));
  home = join(dir, 'home');
  emptyHome = join(dir, 'empty-home');
  page = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(pageHtml(agent.tlsPort));
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  pageOrigin = `http://127.0.0.1:${(page.address() as { port: number }).port}`;
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ allowedOrigins: [pageOrigin] }));
});

afterAll(async () => {
  await agent?.stop();
  await new Promise((r) => page?.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('per-machine CA', () => {
  it('is EC P-256, CA with pathLen 0, name-constrained to loopback; the leaf is serverAuth for 127.0.0.1/::1/localhost, ≤ 825 days', async () => {
    const report = await installCa(join(dir, 'data'), home, silent);
    expect(report.stores.find((s) => s.id.endsWith('.pki/nssdb'))?.status).toBe('installed');
    const caPem = await readFile(join(dir, 'data', 'tls', 'ca.pem'), 'utf8');
    const leafPem = await readFile(join(dir, 'data', 'tls', 'leaf.pem'), 'utf8');
    const ca = new x509.X509Certificate(caPem);
    const bc = ca.getExtension(x509.BasicConstraintsExtension)!;
    expect([bc.ca, bc.pathLength, bc.critical]).toEqual([true, 0, true]);
    const nc = ca.extensions.find((e) => e.type === '2.5.29.30');
    expect(nc?.critical).toBe(true);
    expect(createPublicKey(caPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const leaf = new NodeX509(leafPem);
    expect(leaf.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost');
    expect(leaf.verify(new NodeX509(caPem).publicKey)).toBe(true);
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000;
    expect(days).toBeLessThanOrEqual(825);
    expect(new x509.X509Certificate(leafPem).getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('Chromium trusts the agent after `ca install`, and fails without it (no certificate-error flags)', async () => {
    agent = await startAgent({ dataDir: join(dir, 'data'), policyPath: join(dir, 'policy.json'), home, port: 0, vnptPorts: [], tokens: new FakeTokenService() });
    const trusted = await visit(home);
    expect(trusted.ok).toBe(true);
    expect(trusted.reply?.result?.name).toBe('kyso-agent');
    expect(trusted.reply?.result?.version).toBe(agent.version);
    const untrusted = await visit(emptyHome);
    expect(untrusted.ok).toBe(false);
  });

  it('uninstall removes the CA everywhere; a new install is a new CA key', async () => {
    const before = await readFile(join(dir, 'data', 'tls', 'ca.pem'), 'utf8');
    await uninstallCa(join(dir, 'data'), home, silent);
    const status = await caStatus(join(dir, 'data'), home);
    expect(status.caSha256).toBeNull();
    expect(status.stores.every((s) => s.status !== 'installed')).toBe(true);
    await installCa(join(dir, 'data'), home, silent);
    const after = await readFile(join(dir, 'data', 'tls', 'ca.pem'), 'utf8');
    const spki = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('hex');
    expect(spki(after)).not.toBe(spki(before));
    const again = await caStatus(join(dir, 'data'), home);
    expect(again.stores.find((s) => s.id.endsWith('.pki/nssdb'))?.status).toBe('installed');
  });

  it('renewal at 80% of the leaf life makes a new CA and re-installs it where the old one was trusted', async () => {
    const data = join(dir, 'data');
    const before = await readFile(join(data, 'tls', 'ca.pem'), 'utf8');
    const later = new Date(Date.now() + 700 * 86_400_000);
    const renewed = await prepareTls(data, home, silent, undefined, later);
    expect(renewed.issued).toBe(true);
    expect(renewed.caPem).not.toBe(before);
    const status = await caStatus(data, home);
    expect(status.stores.find((s) => s.id.endsWith('.pki/nssdb'))?.status).toBe('installed');
    // Not installed anywhere before → a renewal installs nothing.
    const other = join(dir, 'other-data');
    await prepareTls(other, emptyHome, silent);
    const r2 = await prepareTls(other, emptyHome, silent, undefined, later);
    expect(r2.issued).toBe(true);
    expect((await caStatus(other, emptyHome)).stores.every((s) => s.status !== 'installed')).toBe(true);
  });
});
