// `kyso-agent start` as a real process: ready line, loopback-only listen, file modes, SIGTERM → exit 0,
// restart with existing settings, corrupt settings file, broken policy → safest settings (and doctor says why).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from './cli-process.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const APPROVED_BY_USER = 'https://remembered.example.vn';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kyso-cli-'));
  // A module list of our own: discovery must not wander into the host's real drivers during tests.
  env = { PATH: process.env.PATH, HOME: dir, KYSO_AGENT_HOME: join(dir, 'data'), KYSO_AGENT_POLICY: join(dir, 'policy.json'), SOFTHSM2_CONF: join(dir, 'none.conf') };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function discovery(port: number, ca: string, origin: string): Promise<{ status: number; body: Record<string, unknown>; acao: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/.well-known/kyso-agent', ca, servername: 'localhost', headers: { Origin: origin } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>, acao: res.headers['access-control-allow-origin'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

function listeningAddresses(port: number): string[] {
  const out = execFileSync('ss', ['-Hltn'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[3])
    .filter((a): a is string => !!a && a.endsWith(`:${port}`))
    .map((a) => a.slice(0, a.lastIndexOf(':')));
}

describe('kyso-agent start', () => {
  it('prints one ready line, listens on loopback only, keeps keys private, and exits 0 on SIGTERM', async () => {
    const agent = await startCli(['--port', '0', '--dev', '--plain-port', '0'], env);
    try {
      expect(Object.keys(agent.ready).sort()).toEqual(['event', 'plainPort', 'tlsPort', 'vnptPort']);
      expect(agent.ready.event).toBe('ready');
      expect(agent.ready.tlsPort).toBeGreaterThan(0);
      expect(agent.ready.plainPort).toBeGreaterThan(0);
      for (const port of [agent.ready.tlsPort, agent.ready.plainPort!]) {
        const addrs = listeningAddresses(port);
        expect(addrs.length).toBeGreaterThan(0);
        for (const a of addrs) expect(['127.0.0.1', '[::1]']).toContain(a);
      }
      const data = join(dir, 'data');
      expect((await stat(data)).mode & 0o777).toBe(0o700);
      expect((await stat(join(data, 'tls'))).mode & 0o777).toBe(0o700);
      expect((await stat(join(data, 'tls', 'leaf-key.pem'))).mode & 0o777).toBe(0o600);
      // T9: the CA private key is nowhere in the data dir.
      const tlsFiles = await readdir(join(data, 'tls'));
      const keyFiles = [];
      for (const f of tlsFiles) if ((await readFile(join(data, 'tls', f), 'utf8')).includes('PRIVATE KEY')) keyFiles.push(f);
      expect(keyFiles).toEqual(['leaf-key.pem']);
    } finally {
      const code = await agent.stop('SIGTERM');
      expect(code).toBe(0);
    }
    expect(agent.stdout().trim().split('\n')).toHaveLength(1);
    const log = await readFile(join(dir, 'data', 'logs', 'agent.log'), 'utf8');
    expect(log).toContain('"event":"agent.stopped"');
  });

  it('restarts with existing settings and the same CA', async () => {
    const data = join(dir, 'data');
    const caBefore = await readFile(join(data, 'tls', 'ca.pem'), 'utf8');
    await writeFile(join(data, 'settings.json'), JSON.stringify({ approvedOrigins: [APPROVED_BY_USER], blockedOrigins: [], language: 'vi', pinSessionMinutes: 5, lastCertByOrigin: {} }));
    const agent = await startCli(['--port', '0'], env);
    try {
      expect(agent.ready.plainPort).toBeNull();
      const ca = await readFile(join(data, 'tls', 'ca.pem'), 'utf8');
      expect(ca).toBe(caBefore);
      const approved = await discovery(agent.ready.tlsPort, ca, APPROVED_BY_USER);
      expect(approved.body.version).toBeTypeOf('string');
      const stranger = await discovery(agent.ready.tlsPort, ca, 'https://stranger.example');
      expect(stranger.body).toEqual({ name: 'kyso-agent', protocol: 1 });
    } finally {
      expect(await agent.stop('SIGINT')).toBe(0);
    }
  });

  it('a corrupt settings file is backed up and replaced by defaults, not a crash loop', async () => {
    const data = join(dir, 'data');
    await writeFile(join(data, 'settings.json'), '{"approvedOrigins": [tru');
    const agent = await startCli(['--port', '0'], env);
    try {
      const files = await readdir(data);
      expect(files.some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
      const ca = await readFile(join(data, 'tls', 'ca.pem'), 'utf8');
      // The remembered approval is gone with the corrupt file: defaults are in force.
      const r = await discovery(agent.ready.tlsPort, ca, APPROVED_BY_USER);
      expect(r.body.version).toBeUndefined();
    } finally {
      expect(await agent.stop()).toBe(0);
    }
    const log = await readFile(join(data, 'logs', 'agent.log'), 'utf8');
    expect(log).toContain('settings.corrupt-backed-up');
  });

  it('a broken policy file → safest settings (no pairing, no plain port); doctor --json says why', async () => {
    await writeFile(join(dir, 'policy.json'), '{"allowPairing": "yes please", "plainPort": true}');
    const agent = await startCli(['--port', '0'], env);
    try {
      expect(agent.ready.plainPort).toBeNull();
      const ca = await readFile(join(dir, 'data', 'tls', 'ca.pem'), 'utf8');
      // No pairing: a site not on the allowlist is refused at the door (403, the bytes of every refusal).
      const r = await discovery(agent.ready.tlsPort, ca, 'https://stranger.example');
      expect(r.status).toBe(403);
      expect(r.acao).toBeUndefined();
    } finally {
      expect(await agent.stop()).toBe(0);
    }
    const doctor = await runCli(['doctor', '--json'], env);
    expect(doctor.code).toBe(0);
    const report = JSON.parse(doctor.stdout) as { policy: { source: string; problems: string[]; inForce: { allowPairing: boolean } }; ca: { stores: unknown[] } };
    expect(report.policy.source).toBe('safest');
    expect(report.policy.problems.join(' ')).toContain('allowPairing');
    expect(report.policy.inForce.allowPairing).toBe(false);
    const check = await runCli(['policy', 'check', join(dir, 'policy.json')], env);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('allowPairing');
    await rm(join(dir, 'policy.json'));
  });

  it('a taken port fails with a clear message and a non-zero exit', async () => {
    const first = await startCli(['--port', '0'], env);
    try {
      const second = await runCli(['start', '--port', String(first.ready.tlsPort)], env);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/Cổng đang được dùng/);
    } finally {
      await first.stop();
    }
  });
});
