// The Linux package: built by `npm run package`'s script, checked by lintian and dpkg-deb, installed into a
// throwaway root (overlay over / in a private mount namespace), run from the installed files — --version, doctor,
// a detached CMS signed on SoftHSM2, the agent answering over loopback — and purged leaving no file behind.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';

const execFileP = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const kyso = inject('kyso');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
const debFile = join(root, 'dist', 'packages', `kyso-agent_${pkg.version}_amd64.deb`);
const tarball = join(root, 'dist', 'packages', `kyso-agent_${pkg.version}_linux-x64.tar.gz`);

async function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { env, maxBuffer: 64 << 20 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, out: x.stdout ?? '', err: x.stderr ?? '' };
  }
}

beforeAll(async () => {
  const r = await sh(process.execPath, [join(root, 'scripts', 'package.mjs')]);
  if (r.code !== 0) throw new Error(`package build failed: ${r.err}`);
}, 900_000); // The SEA build strips a 90 MB binary: ~1 min alone, several on a loaded machine.

describe('the .deb', () => {
  it('holds the agent, its units, host manifests and docs, and lintian reports nothing beyond the overrides', async () => {
    const files = (await sh('dpkg-deb', ['-c', debFile])).out;
    for (const p of [
      './usr/lib/kyso-agent/kyso-agent', './usr/lib/kyso-agent/native-host', './usr/bin/kyso-agent -> ../lib/kyso-agent/kyso-agent',
      './usr/lib/kyso-agent/node_modules/pkcs11js/build/Release/pkcs11.node', './usr/lib/kyso-agent/renderer-bundle/index.html',
      './usr/lib/systemd/user/kyso-agent.service', './etc/xdg/autostart/kyso-agent.desktop',
      './etc/opt/chrome/native-messaging-hosts/vn.kyso.agent.json', './etc/chromium/native-messaging-hosts/vn.kyso.agent.json',
      './etc/opt/edge/native-messaging-hosts/vn.kyso.agent.json', './usr/lib/mozilla/native-messaging-hosts/vn.kyso.agent.json',
      './usr/share/kyso-agent/driver-catalog.json', './usr/share/doc/kyso-agent/examples/policy.json',
    ]) expect(files).toContain(p);
    const info = (await sh('dpkg-deb', ['-f', debFile, 'Package', 'Version', 'Architecture'])).out;
    expect(info).toBe(`Package: kyso-agent\nVersion: ${pkg.version}\nArchitecture: amd64\n`);
    const conffiles = (await sh('sh', ['-c', `dpkg-deb --ctrl-tarfile '${debFile}' | tar -xOf - ./conffiles`])).out;
    expect(conffiles.split('\n').filter(Boolean).sort()).toEqual([
      '/etc/chromium/native-messaging-hosts/vn.kyso.agent.json', '/etc/opt/chrome/native-messaging-hosts/vn.kyso.agent.json',
      '/etc/opt/edge/native-messaging-hosts/vn.kyso.agent.json', '/etc/xdg/autostart/kyso-agent.desktop',
    ]);
    const lint = await sh('lintian', ['--tag-display-limit', '0', debFile]);
    const tags = (lint.out + lint.err).split('\n').filter((l) => /^[EWI]: /.test(l));
    expect(tags).toEqual([]);
  }, 180_000);

  it('maintainer scripts pass shellcheck', async () => {
    const dir = join(root, 'installer', 'linux');
    const r = await sh('shellcheck', [join(dir, 'postinst'), join(dir, 'prerm'), join(dir, 'postrm'), join(root, 'native-tests', 'installer', 'throwaway-root.sh')]);
    expect(r.out + r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('native host manifests name only our extension and the installed host wrapper', async () => {
    const ids = JSON.parse(await readFile(join(root, 'extension', 'ids.json'), 'utf8')) as { chromium: string; firefox: string };
    const dir = await mkdtemp(join(tmpdir(), 'kyso-deb-x-'));
    await sh('dpkg-deb', ['-x', debFile, dir]);
    const chrome = JSON.parse(await readFile(join(dir, 'etc/opt/chrome/native-messaging-hosts/vn.kyso.agent.json'), 'utf8')) as Record<string, unknown>;
    expect(chrome).toEqual({ name: 'vn.kyso.agent', description: expect.any(String), path: '/usr/lib/kyso-agent/native-host', type: 'stdio', allowed_origins: [`chrome-extension://${ids.chromium}/`] });
    const firefox = JSON.parse(await readFile(join(dir, 'usr/lib/mozilla/native-messaging-hosts/vn.kyso.agent.json'), 'utf8')) as Record<string, unknown>;
    expect(firefox.allowed_extensions).toEqual([ids.firefox]);
    expect(await readFile(join(dir, 'usr/lib/kyso-agent/native-host'), 'utf8')).toContain('exec /usr/lib/kyso-agent/kyso-agent native-host "$@"');
  });
});

describe('installed into a throwaway root', () => {
  it('runs from the installed files, signs on SoftHSM2, answers over loopback, and purges without leftovers', async () => {
    const out = await mkdtemp(join(tmpdir(), 'kyso-deb-out-'));
    const input = join(out, 'to-khai.txt');
    await writeFile(input, 'Tờ khai thử nghiệm — kyso-agent .deb\n');
    const cert = kyso.pki.certs.citizen;
    const r = await sh('unshare', ['-m', 'sh', join(root, 'native-tests', 'installer', 'throwaway-root.sh')], {
      ...process.env, DEB: debFile, OUT: out, SOFTHSM2_CONF: kyso.softhsm.conf, MODULE: kyso.softhsm.module,
      CERT: cert.thumbprintSha256, PIN: kyso.softhsm.tokens.A.pin, INPUT: input,
    });
    const logs = async (f: string) => readFile(join(out, f), 'utf8').catch(() => `(no ${f})`);
    if (r.code !== 0) throw new Error(`throwaway root failed: ${r.err}\n${await logs('sign.log')}\n${await logs('start.err')}`);

    expect((await logs('which.txt')).trim()).toBe('/usr/lib/kyso-agent/kyso-agent');
    expect((await logs('version.txt')).trim()).toBe(pkg.version);
    const doctor = JSON.parse(await logs('doctor.json')) as { version: string; modules: { path?: string; status?: string }[] };
    expect(doctor.version).toBe(pkg.version);
    expect(JSON.stringify(doctor.modules)).toContain(kyso.softhsm.module);

    // The signature made by the installed executable verifies with openssl against the test PKI.
    const sigs = (await readdir(out)).filter((f) => f.endsWith('.p7s'));
    expect(sigs).toHaveLength(1);
    const v = await sh('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(out, sigs[0]!), '-content', input,
      '-CAfile', kyso.pki.chainFile, '-purpose', 'any', '-out', '/dev/null']);
    expect(v.err).toContain('Verification successful');

    const rpc = JSON.parse(await logs('rpc.json')) as { result?: { tokens: { label: string }[] } };
    expect(rpc.result?.tokens.map((t) => t.label)).toEqual(expect.arrayContaining(['KYSO TOKEN A', 'KYSO TOKEN B']));
    // The 2 MiB XML was read by the document worker of the single executable (an unsigned file: a report or a
    // DOCUMENT_INVALID, never INTERNAL), not in the agent's thread after a failed start.
    const verify = JSON.parse(await logs('verify.json')) as { result?: unknown; error?: { data: { reason: string } } };
    if (verify.error) expect(verify.error.data.reason).toBe('DOCUMENT_INVALID');
    const agentLog = await logs('agent.log');
    expect(agentLog).toContain('document-worker.started');
    expect(agentLog).not.toContain('document-worker.unavailable');

    expect(await logs('dpkg-purge.log')).toContain('Purging configuration files for kyso-agent');
    // Only the bookkeeping of dpkg and man-db may remain: no file of the package, no /etc/kyso-agent. A whiteout
    // (c) is a path of the machine that was removed: only the empty /etc/opt that no package owns may go.
    const left = (await logs('left.txt')).split('\n').filter(Boolean).map((l) => ({ type: l.slice(0, 1), path: l.slice(2) }));
    const bookkeeping = /^\.\/(var\/lib\/dpkg|var\/log|var\/cache\/(debconf|man)|tmp)\//;
    expect(left.filter((e) => e.type !== 'c' && !bookkeeping.test(e.path))).toEqual([]);
    expect(left.filter((e) => e.type === 'c').map((e) => e.path).filter((p) => p !== './etc/opt')).toEqual([]);
    expect(left.filter((e) => e.path.includes('kyso') && !bookkeeping.test(e.path))).toEqual([]);
  }, 180_000);

  it('the tarball runs without Node on PATH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyso-tar-'));
    await sh('tar', ['-xzf', tarball, '-C', dir]);
    const exe = join(dir, `kyso-agent-${pkg.version}`, 'kyso-agent');
    expect(existsSync(exe)).toBe(true);
    const r = await sh(exe, ['--version'], { PATH: '/nonexistent', HOME: dir });
    expect(r.out.trim()).toBe(pkg.version);
    expect(r.err).toBe('');
  });
});
