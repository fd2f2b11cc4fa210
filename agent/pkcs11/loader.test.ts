// Unit: the module path rules on real temp files, and load/initialise failures recorded instead of thrown.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../core/ports.js';
import * as C from './constants.js';
import { InjectedPkcs11Error } from './fault-injection.js';
import { checkModulePath, loadModules, unloadModule } from './loader.js';
import type { Pkcs11Api } from './pkcs11-api.js';

const dir = mkdtempSync(join(tmpdir(), 'kyso-pkcs11-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, mode: number) => {
  const p = join(dir, name);
  writeFileSync(p, 'x');
  chmodSync(p, mode);
  return p;
};
const quiet: Logger = { info() {}, warn() {}, error() {} };

describe('checkModulePath', () => {
  it('refusesWindowsNetworkPaths', () => {
    expect(checkModulePath('\\\\fileserver\\share\\vnpt.dll', 'win32')).toEqual({ ok: false, status: 'refused', reason: 'network path (UNC)' });
  });
  it('refusesRelativePaths', () => {
    expect(checkModulePath('lib.so', 'linux')).toEqual({ ok: false, status: 'refused', reason: 'not an absolute path' });
    expect(checkModulePath('.\\x.dll', 'win32')).toMatchObject({ status: 'refused' });
  });
  it('reportsMissingFilesAsNotFound', () => {
    expect(checkModulePath(join(dir, 'missing.so'), 'linux')).toMatchObject({ ok: false, status: 'notFound' });
  });
  it('refusesDirectoriesAndWorldWritableFiles', () => {
    expect(checkModulePath(dir, 'linux')).toMatchObject({ status: 'refused', reason: 'not a regular file' });
    expect(checkModulePath(file('ww.so', 0o666), 'linux')).toMatchObject({ status: 'refused', reason: 'file is writable by others' });
  });
  it('refusesFilesInWorldWritableDirectories_unlessSticky', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    writeFileSync(join(open, 'a.so'), 'x');
    chmodSync(join(open, 'a.so'), 0o644);
    chmodSync(open, 0o777);
    expect(checkModulePath(join(open, 'a.so'), 'linux')).toMatchObject({ status: 'refused', reason: 'directory is writable by others' });
    chmodSync(open, 0o1777);
    expect(checkModulePath(join(open, 'a.so'), 'linux')).toMatchObject({ ok: true });
  });
  it('refusesAnyWorldWritableAncestor_notOnlyTheLastDirectory', () => {
    const top = join(dir, 'top');
    mkdirSync(join(top, 'lib'), { recursive: true });
    writeFileSync(join(top, 'lib', 'b.so'), 'x');
    chmodSync(join(top, 'lib', 'b.so'), 0o644);
    chmodSync(top, 0o777);
    expect(checkModulePath(join(top, 'lib', 'b.so'), 'linux')).toMatchObject({ status: 'refused', reason: 'directory is writable by others' });
    chmodSync(top, 0o755);
    expect(checkModulePath(join(top, 'lib', 'b.so'), 'linux')).toMatchObject({ ok: true });
  });
  it('refusesFilesAndDirectoriesOwnedByAnotherOrdinaryUser', () => {
    const p = file('theirs.so', 0o644);
    // Judged as if the agent ran as uid 1000: a root-owned file is trusted, one owned by uid 4242 is not.
    expect(checkModulePath(p, 'linux', 1000)).toMatchObject({ ok: true });
    chownSync(p, 4242, 4242);
    expect(checkModulePath(p, 'linux', 1000)).toMatchObject({ status: 'refused', reason: 'file is owned by another user' });
    expect(checkModulePath(p, 'linux', 4242)).toMatchObject({ ok: true });
    const theirDir = join(dir, 'their-dir');
    mkdirSync(theirDir);
    writeFileSync(join(theirDir, 'c.so'), 'x');
    chmodSync(join(theirDir, 'c.so'), 0o644);
    chownSync(theirDir, 4242, 4242);
    expect(checkModulePath(join(theirDir, 'c.so'), 'linux', 1000)).toMatchObject({ status: 'refused', reason: 'directory is owned by another user' });
  });
  it('refusesFilesAndDirectoriesWritableByANonRootGroup_unlessStickyDirectory', () => {
    const p = file('group.so', 0o664);
    expect(checkModulePath(p, 'linux')).toMatchObject({ ok: true }); // group root
    chownSync(p, 0, 4242);
    expect(checkModulePath(p, 'linux')).toMatchObject({ status: 'refused', reason: 'file is writable by a group' });
    chmodSync(p, 0o644);
    expect(checkModulePath(p, 'linux')).toMatchObject({ ok: true });
    chownSync(p, 0, 80);
    chmodSync(p, 0o664);
    expect(checkModulePath(p, 'darwin')).toMatchObject({ ok: true }); // macOS admin
    expect(checkModulePath(p, 'linux')).toMatchObject({ status: 'refused', reason: 'file is writable by a group' });
    const shared = join(dir, 'group-dir');
    mkdirSync(shared);
    writeFileSync(join(shared, 'd.so'), 'x');
    chmodSync(join(shared, 'd.so'), 0o644);
    chownSync(shared, 0, 4242);
    chmodSync(shared, 0o775);
    expect(checkModulePath(join(shared, 'd.so'), 'linux')).toMatchObject({ status: 'refused', reason: 'directory is writable by a group' });
    chmodSync(shared, 0o1775);
    expect(checkModulePath(join(shared, 'd.so'), 'linux')).toMatchObject({ ok: true });
  });
  it('followsSymlinks_andJudgesTheTarget', () => {
    const target = file('target.so', 0o666);
    symlinkSync(target, join(dir, 'link.so'));
    expect(checkModulePath(join(dir, 'link.so'), 'linux')).toMatchObject({ status: 'refused', reason: 'file is writable by others' });
  });
  it('acceptsAPrivateRegularFile', () => {
    const p = file('ok.so', 0o644);
    expect(checkModulePath(p, 'linux')).toEqual({ ok: true, realPath: p });
  });
});

/** A PKCS11 stand-in whose load / C_Initialize behaviour is scripted. */
function scripted(opts: { loadError?: Error; initError?: Error }): Pkcs11Api & { finalized: number } {
  const api = {
    finalized: 0,
    load() {
      if (opts.loadError) throw opts.loadError;
    },
    close() {},
    C_Initialize() {
      if (opts.initError) throw opts.initError;
    },
    C_Finalize() {
      api.finalized++;
    },
    C_GetInfo: () => ({ cryptokiVersion: { major: 2, minor: 40 }, manufacturerID: 'Test  ', flags: 0, libraryDescription: 'Scripted module   ', libraryVersion: { major: 1, minor: 0 } }),
    C_GetSlotList: () => [Buffer.from([1])],
  };
  return api as unknown as Pkcs11Api & { finalized: number };
}

describe('loadModules', () => {
  it('recordsEveryOutcome_andNeverThrows', async () => {
    const good = file('good.so', 0o644);
    const bad = file('bad.so', 0o644);
    const badInit = file('badinit.so', 0o644);
    const shared = file('shared.so', 0o644);
    const apis = new Map<string, ReturnType<typeof scripted>>();
    let next = '';
    const factory = () => {
      const api = next === bad ? scripted({ loadError: new Error('dlopen: invalid ELF header') })
        : next === badInit ? scripted({ initError: new InjectedPkcs11Error(C.CKR_GENERAL_ERROR, 'C_Initialize') })
          : next === shared ? scripted({ initError: new InjectedPkcs11Error(C.CKR_CRYPTOKI_ALREADY_INITIALIZED, 'C_Initialize') })
            : scripted({});
      apis.set(next, api);
      return api;
    };
    const candidates = [good, bad, badInit, shared, 'rel.so', good].map((p, i) => ({ name: `m${i}`, path: p, source: 'env' as const }));
    const { loaded, reports } = loadModules(candidates, () => {
      next = candidates[apis.size]?.path ?? '';
      return factory();
    }, quiet);
    expect(reports.map((r) => [r.status, r.reason])).toEqual([
      ['loaded', undefined],
      ['failed', 'load failed: dlopen: invalid ELF header'],
      ['failed', 'C_Initialize failed: CKR 0x5'],
      ['loaded', undefined],
      ['refused', 'not an absolute path'],
      ['refused', 'same library as m0'],
    ]);
    expect(reports[0]).toMatchObject({ libraryDescription: 'Scripted module', cryptokiVersion: '2.40', slotCount: 1 });
    expect(loaded.map((m) => m.displayName)).toEqual(['m0', 'm3']);
    for (const m of loaded) await unloadModule(m, quiet);
    // We finalize what we initialised, never a library someone else in the process initialised.
    expect(apis.get(good)!.finalized).toBe(1);
    expect(apis.get(shared)!.finalized).toBe(0);
  });
});
