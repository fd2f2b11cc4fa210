// Native: module loading rules (relative, missing, writable by others, not a library), discovery, and refresh on SoftHSM2.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Token } from '../../agent/core/types.js';
import { softHsmConfText } from '../../agent/demo/index.js';
import { createPkcs11TokenService, discoverModules } from '../../agent/pkcs11/index.js';
import type { ModuleCandidate } from '../../agent/pkcs11/index.js';
import '../fixtures/types.js';
import { capturingLogger, softhsmCandidate, systemClock } from './helpers.js';

const k = inject('kyso');
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kyso-pkcs11-modules-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('module loading rules', () => {
  it('refusesRelativeMissingWritableAndBrokenModules_andStillLoadsTheGoodOne', async () => {
    const writableFile = join(dir, 'writable.so');
    copyFileSync(k.softhsm.module, writableFile);
    chmodSync(writableFile, 0o666);
    const openDir = join(dir, 'open');
    mkdirSync(openDir);
    copyFileSync(k.softhsm.module, join(openDir, 'lib.so'));
    chmodSync(join(openDir, 'lib.so'), 0o644);
    chmodSync(openDir, 0o777);
    const notLibrary = join(dir, 'notlib.so');
    writeFileSync(notLibrary, 'this is not an ELF file');
    chmodSync(notLibrary, 0o644);
    const candidates: ModuleCandidate[] = [
      { name: 'relative', path: 'libsofthsm2.so', source: 'env' },
      { name: 'missing', path: join(dir, 'nope.so'), source: 'policy' },
      { name: 'writable', path: writableFile, source: 'env' },
      { name: 'open dir', path: join(openDir, 'lib.so'), source: 'env' },
      { name: 'directory', path: dir, source: 'env' },
      { name: 'not a library', path: notLibrary, source: 'env' },
      softhsmCandidate(k),
    ];
    const logger = capturingLogger();
    const svc = createPkcs11TokenService({ modules: candidates, clock: systemClock, logger });
    try {
      const byName = Object.fromEntries(svc.modules().map((m) => [m.name, m]));
      expect(byName['relative']).toMatchObject({ status: 'refused', reason: 'not an absolute path' });
      expect(byName['missing']).toMatchObject({ status: 'notFound' });
      expect(byName['writable']).toMatchObject({ status: 'refused', reason: 'file is writable by others' });
      expect(byName['open dir']).toMatchObject({ status: 'refused', reason: 'directory is writable by others' });
      expect(byName['directory']).toMatchObject({ status: 'refused', reason: 'not a regular file' });
      expect(byName['not a library']).toMatchObject({ status: 'failed' });
      expect(byName['not a library']!.reason).toMatch(/^load failed/);
      expect(byName['SoftHSM2']).toMatchObject({ status: 'loaded', slotCount: expect.any(Number), cryptokiVersion: expect.stringMatching(/^2\./) });
      expect((await svc.listTokens()).map((t) => t.label)).toContain('KYSO TOKEN A');
    } finally {
      await svc.close();
    }
  });

  it('discovery_fromEnvAndP11Kit_loadsOneLibraryOnce', async () => {
    const env = { KYSO_PKCS11_MODULES: [k.softhsm.module, 'relative/lib.so'].join(':') };
    const candidates = discoverModules({ platform: 'linux', env, fs });
    expect(candidates[0]).toMatchObject({ path: k.softhsm.module, source: 'env' });
    expect(candidates[1]).toMatchObject({ path: 'relative/lib.so', source: 'env' });
    const svc = createPkcs11TokenService({ modules: candidates, clock: systemClock, logger: capturingLogger() });
    try {
      const reports = svc.modules();
      expect(reports.filter((r) => r.status === 'loaded' && /softhsm/i.test(r.path)).map((r) => r.path)).toEqual([k.softhsm.module]);
      expect(reports.find((r) => r.path === 'relative/lib.so')).toMatchObject({ status: 'refused' });
      // p11-kit's softhsm2.module names the same library through another path: refused as a twin, not loaded twice.
      const p11kit = reports.find((r) => r.source === 'p11-kit' && r.name === 'softhsm2');
      if (p11kit) expect(p11kit).toMatchObject({ status: 'refused', reason: expect.stringMatching(/^same library as/) });
    } finally {
      await svc.close();
    }
  });
});

describe('refresh', () => {
  it('tokenCreatedAtRunTime_isSeenAfterRefresh_andDeletedOneDisappears', async () => {
    const tokens = join(dir, 'tokens');
    mkdirSync(tokens);
    const conf = join(dir, 'softhsm2.conf');
    writeFileSync(conf, softHsmConfText(tokens));
    const env = { ...process.env, SOFTHSM2_CONF: conf };
    const init = (label: string) => execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', '1111', '--so-pin', '2222'], { env, stdio: 'ignore' });
    init('RUNTIME ONE');
    process.env.SOFTHSM2_CONF = conf;
    const svc = createPkcs11TokenService({ modules: [softhsmCandidate(k)], clock: systemClock, logger: capturingLogger(), pollMs: 50 });
    try {
      expect((await svc.listTokens()).map((t) => t.label)).toEqual(['RUNTIME ONE']);
      const seen: Token[][] = [];
      const off = svc.onTokensChanged((t) => seen.push(t));
      init('RUNTIME TWO');
      expect((await svc.listTokens()).map((t) => t.label)).toEqual(['RUNTIME ONE']); // SoftHSM2 does not see it yet
      const after = await svc.refresh();
      expect(after.map((t) => t.label).sort()).toEqual(['RUNTIME ONE', 'RUNTIME TWO']);
      expect(seen.at(-1)?.map((t) => t.label).sort()).toEqual(['RUNTIME ONE', 'RUNTIME TWO']);
      const one = after.find((t) => t.label === 'RUNTIME ONE')!;
      execFileSync('softhsm2-util', ['--delete-token', '--token', 'RUNTIME ONE'], { env, stdio: 'ignore' });
      const last = await svc.refresh();
      expect(last.map((t) => t.label)).toEqual(['RUNTIME TWO']);
      expect(seen.at(-1)?.map((t) => t.label)).toEqual(['RUNTIME TWO']);
      await expect(svc.login(one.tokenId, new TextEncoder().encode('1111'))).rejects.toMatchObject({ reason: 'CERTIFICATE_NOT_FOUND' });
      // The token still present keeps its id across a refresh.
      expect(last[0]!.tokenId).toBe(after.find((t) => t.label === 'RUNTIME TWO')!.tokenId);
      off();
    } finally {
      await svc.close();
    }
  });
});
