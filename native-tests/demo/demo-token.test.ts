// `kyso-agent demo-token init` backend: a persistent "KYSO DEMO" SoftHSM2 token, idempotent, rebuilt with force.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { demoTokenConfig, demoTokenInit } from '../../agent/demo/index.js';

const run = promisify(execFile);
const dataDir = await mkdtemp(join(tmpdir(), 'kyso-demo-token-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function listObjects(conf: string, module: string, pin: string): Promise<string> {
  const { stdout } = await run('pkcs11-tool', ['--module', module, '--token-label', 'KYSO DEMO', '--login', '--pin', pin, '--list-objects'],
    { env: { ...process.env, SOFTHSM2_CONF: conf } });
  return stdout;
}

describe('demoTokenInit', () => {
  it('reports no config before init, creates the token, then reports it unchanged, and force rebuilds it', async () => {
    expect(await demoTokenConfig(dataDir)).toBeNull();

    const first = await demoTokenInit({ dataDir });
    expect(first.status).toBe('created');
    expect(first.label).toBe('KYSO DEMO');
    expect(first.conf.startsWith(join(dataDir, 'demo-token'))).toBe(true);
    const out = await listObjects(first.conf, first.module, first.pin);
    expect(out.split('\n').filter((l) => l.startsWith('Private Key Object'))).toHaveLength(6);
    expect(out.split('\n').filter((l) => l.startsWith('Certificate Object'))).toHaveLength(7);
    expect(out).toContain('label:      citizen');
    expect(first.certificates.map((c) => c.commonName)).toContain('NGUYỄN VĂN AN');
    // no private key files are left on disk, no temp dirs either
    expect((await readdir(join(first.dir, 'pki'))).filter((f) => f.endsWith('.key.pem'))).toEqual([]);
    expect((await readdir(dataDir)).sort()).toEqual(['demo-token']);

    const again = await demoTokenInit({ dataDir });
    expect(again.status).toBe('existing');
    expect(again.certificates).toEqual(first.certificates);
    expect(await demoTokenConfig(dataDir)).toEqual({ conf: first.conf, module: first.module, pin: first.pin, label: 'KYSO DEMO' });

    const forced = await demoTokenInit({ dataDir, force: true });
    expect(forced.status).toBe('created');
    expect(forced.certificates[0]!.thumbprintSha256).not.toBe(first.certificates[0]!.thumbprintSha256);
    const out2 = await listObjects(forced.conf, forced.module, forced.pin);
    expect(out2.split('\n').filter((l) => l.startsWith('Certificate Object'))).toHaveLength(7); // replaced, not added to
  });
});
