// No agent running: the first request of a page through the extension makes the host start `kyso-agent start`
// and succeeds. And `browser-integration install/uninstall` round trips leave no file behind.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_EXTENSION_ID } from '../../agent/relay/index.js';
import type * as Sdk from '../../sdk/src/api.js';
import type { TestFixture } from '../fixtures/types.js';
import { cli, ensureBuilt, startExtEnv, type ExtEnv } from './harness.js';

let fx: TestFixture;
let e: ExtEnv;

declare const KysoAgent: typeof Sdk;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => !d.isDirectory()).map((d) => join(d.parentPath, d.name));
}

/** The pid the started agent logged (agent.starting), to stop it after the test. */
function startedPid(dataDir: string): number | null {
  const log = join(dataDir, 'logs', 'agent.log');
  if (!existsSync(log)) return null;
  const m = /"event":"agent\.starting".*?"pid":(\d+)/.exec(readFileSync(log, 'utf8'));
  return m ? Number(m[1]) : null;
}

beforeAll(async () => {
  fx = inject('kyso');
  ensureBuilt();
  // The portal is allowed by policy (no access dialog: the started agent has no scripted user); no VNPT listener.
  e = await startExtEnv(fx, (origin) => ({ allowedOrigins: [origin], compat: { vnpt: false } }));
});
afterAll(async () => {
  const pid = startedPid(e.dataDir);
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    for (let i = 0; i < 50 && existsSync(join(e.dataDir, 'run', 'relay.sock')); i++) await new Promise((r) => setTimeout(r, 100));
  }
  await e?.close();
});

describe('agent not running', () => {
  it('the host starts the agent and the first request succeeds', async () => {
    cli(['browser-integration', 'install', '--browser', 'chromium', '--user-data-dir', e.profile], e.env);
    expect(existsSync(join(e.dataDir, 'run', 'relay.sock'))).toBe(false);
    expect(startedPid(e.dataDir)).toBeNull();
    await e.launch();
    const page = await e.page('/sdk.html');
    const r = await page.evaluate(async () => {
      const client = await KysoAgent.connect({ ports: { tls: null, plain: null } });
      const certs = await client.listCertificates();
      return { transport: client.connection?.transport, names: certs.map((c) => c.subject.commonName) };
    });
    expect(r.transport).toBe('extension');
    expect(r.names).toContain('NGUYỄN VĂN AN');
    const pid = startedPid(e.dataDir);
    expect(pid).not.toBeNull();
    expect(pid).not.toBe(process.pid);
    expect(statSync(join(e.dataDir, 'run', 'relay.sock')).isSocket()).toBe(true);
    await page.close();
  });
});

describe('browser-integration install / uninstall', () => {
  it('a profile folder: manifest with only our ID, 0644, launcher 0700; uninstall leaves no file', () => {
    const profile = join(e.dir, 'profile2');
    mkdirSync(profile);
    const before = files(profile);
    const installed = JSON.parse(cli(['browser-integration', 'install', '--browser', 'chromium', '--user-data-dir', profile, '--json'], e.env)) as { browsers: Array<{ manifest: string; registered: boolean }> };
    const manifest = installed.browsers[0]!.manifest;
    expect(manifest).toBe(join(profile, 'NativeMessagingHosts', 'vn.kyso.agent.json'));
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { allowed_origins: string[]; path: string };
    expect(m.allowed_origins).toEqual([`chrome-extension://${CHROMIUM_EXTENSION_ID}/`]);
    expect(statSync(manifest).mode & 0o777).toBe(0o644);
    expect(statSync(m.path).mode & 0o777).toBe(0o700);
    cli(['browser-integration', 'uninstall', '--browser', 'chromium', '--user-data-dir', profile], e.env);
    expect(files(profile)).toEqual(before);
    expect(existsSync(join(profile, 'NativeMessagingHosts'))).toBe(false);
  });

  it('per-user locations of every browser: install, status, uninstall → HOME and the launcher folder hold nothing', () => {
    const home = join(e.dir, 'home2');
    const dataDir = join(e.dir, 'data2');
    const env = { ...e.env, HOME: home, KYSO_AGENT_HOME: dataDir };
    for (const b of ['chrome', 'chromium', 'edge', 'brave', 'firefox']) {
      cli(['browser-integration', 'install', '--browser', b], env);
    }
    const status = JSON.parse(cli(['browser-integration', 'status', '--browser', 'firefox', '--json'], env)) as { browsers: Array<{ registered: boolean; current: boolean; problems: string[]; manifest: string }> };
    expect(status.browsers[0]).toMatchObject({ registered: true, current: true, problems: [] });
    expect(status.browsers[0]!.manifest).toBe(join(home, '.mozilla', 'native-messaging-hosts', 'vn.kyso.agent.json'));
    expect(files(home).length).toBe(5);
    // doctor reports the registration of every browser and that no agent listens on this data dir's channel.
    const doctor = JSON.parse(cli(['doctor', '--json'], env)) as { extension: { hosts: Array<{ browser: string; registered: boolean }>; relayListening: boolean } };
    expect(doctor.extension.hosts.map((h) => [h.browser, h.registered])).toEqual([['chrome', true], ['chromium', true], ['edge', true], ['brave', true], ['firefox', true]]);
    expect(doctor.extension.relayListening).toBe(false);
    // No --browser: every browser whose folder exists (all five now).
    cli(['browser-integration', 'uninstall'], env);
    expect(files(home)).toEqual([]);
    expect(files(join(dataDir, 'native-host'))).toEqual([]);
  });
});
