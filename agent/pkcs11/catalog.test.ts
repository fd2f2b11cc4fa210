// Unit: module discovery from the catalog, p11-kit, policy and KYSO_PKCS11_MODULES with an injected file system.
import { describe, expect, it } from 'vitest';
import { DRIVER_CATALOG, discoverModules, expandWindowsVars, parseP11KitModule } from './catalog.js';
import type { DiscoveryFs } from './catalog.js';

/** A fake file system: a set of files (path → content); directories are implied by their files. */
function fakeFs(files: Record<string, string>, caseInsensitive = false): DiscoveryFs {
  const norm = (p: string) => (caseInsensitive ? p.toLowerCase() : p);
  const keys = new Map(Object.keys(files).map((k) => [norm(k), k]));
  return {
    existsSync: (p) => keys.has(norm(p)) || [...keys.keys()].some((k) => k.startsWith(norm(p).replace(/[\\/]$/, '') + (caseInsensitive ? '\\' : '/'))),
    readdirSync: (dir) => Object.keys(files).filter((f) => f.startsWith(dir + '/') && !f.slice(dir.length + 1).includes('/')).map((f) => f.slice(dir.length + 1)),
    readFileSync: (p) => {
      const k = keys.get(norm(p));
      if (k === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return files[k] as string;
    },
  };
}

describe('driver catalog data', () => {
  it('namesEveryVendorOfTheIssue_withWindowsDlls', () => {
    const names = DRIVER_CATALOG.vendors.map((v) => v.displayName).join('|');
    for (const n of ['VNPT-CA', 'Viettel-CA', 'FPT-CA', 'BKAV-CA', 'CA2', 'SmartSign', 'Safe-CA', 'NewTel', 'FastCA', 'EFY', 'MISA-CA', 'I-CA', 'CKCA', 'SafeNet', 'ePass2003', 'ePass3003', 'WatchData']) {
      expect(names).toContain(n);
    }
    const all = DRIVER_CATALOG.vendors.flatMap((v) => v.files.win32.map((f) => f.toLowerCase()));
    for (const f of ['vnptca_p11_v6.dll', 'viettel-ca_v6.dll', 'fptca_v5.dll', 'bkavcaetoken.dll', 'ca2_csp11.dll', 'vina-cav5.dll', 'etpkcs11.dll', 'shuttlecsp11_3003.dll', 'eps2003csp11.dll', 'wdpkcs.dll']) {
      expect(all).toContain(f);
    }
    expect(all.some((f) => f.includes('bkav corporation\\bkavca token manager'))).toBe(true);
    const linux = DRIVER_CATALOG.vendors.flatMap((v) => v.files.linux);
    expect(linux).toContain('/usr/lib/libshuttle_p11v220.so');
    expect(linux.some((p) => p.endsWith('/opensc-pkcs11.so'))).toBe(true);
    // Dev/test modules are not vendor entries.
    expect(JSON.stringify(DRIVER_CATALOG.vendors)).not.toMatch(/softhsm|softokn/i);
  });
});

describe('discoverModules', () => {
  it('windows_findsSystem32AndProgramFilesDlls_caseInsensitively', () => {
    const fs = fakeFs({ 'C:\\Windows\\System32\\vnptca_p11_v6.dll': '', 'C:\\Program Files\\Bkav Corporation\\BkavCA Token Manager\\BkavCA.dll': '' }, true);
    const env = { SystemRoot: 'C:\\Windows', ProgramFiles: 'C:\\Program Files' };
    const found = discoverModules({ platform: 'win32', env, fs });
    expect(found).toEqual([
      { name: 'VNPT-CA', path: 'C:\\Windows\\System32\\vnptca_p11_v6.dll', source: 'catalog' },
      { name: 'BKAV-CA', path: 'C:\\Program Files\\Bkav Corporation\\BkavCA Token Manager\\BkavCA.dll', source: 'catalog' },
    ]);
  });

  it('darwin_findsVendorDylibs', () => {
    const fs = fakeFs({ '/usr/local/lib/viettel-ca_v6.dylib': '' });
    expect(discoverModules({ platform: 'darwin', env: {}, fs })).toEqual([{ name: 'Viettel-CA', path: '/usr/local/lib/viettel-ca_v6.dylib', source: 'catalog' }]);
  });

  it('linux_readsP11KitModules_resolvingRelativeNames_andSkippingTrustPolicy', () => {
    const fs = fakeFs({
      '/usr/share/p11-kit/modules/opensc.module': '# comment\nmodule: opensc-pkcs11.so\n',
      '/usr/share/p11-kit/modules/softhsm2.module': 'module: /usr/lib/softhsm/libsofthsm2.so\n',
      '/usr/share/p11-kit/modules/p11-kit-trust.module': 'module: p11-kit-trust.so\ntrust-policy: yes\n',
      '/usr/share/p11-kit/modules/README': 'module: not-a-module.so',
      '/usr/lib/libshuttle_p11v220.so': '',
    });
    expect(discoverModules({ platform: 'linux', env: {}, fs })).toEqual([
      { name: 'Feitian ePass3003', path: '/usr/lib/libshuttle_p11v220.so', source: 'catalog' },
      { name: 'opensc', path: '/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so', source: 'p11-kit' },
      { name: 'softhsm2', path: '/usr/lib/softhsm/libsofthsm2.so', source: 'p11-kit' },
    ]);
    expect(discoverModules({ platform: 'linux', env: {}, fs, p11kit: false }).map((c) => c.source)).toEqual(['catalog']);
  });

  it('policyAndEnvComeFirst_keepRelativeEntriesForTheLoaderToRefuse_andDeduplicate', () => {
    const fs = fakeFs({ '/usr/lib/libshuttle_p11v220.so': '' });
    const found = discoverModules({
      platform: 'linux',
      env: { KYSO_PKCS11_MODULES: '/opt/a/libx.so::relative.so:/usr/lib/libshuttle_p11v220.so' },
      fs,
      p11kit: false,
      policyModules: [{ name: 'NSS', path: '/usr/lib/libsoftokn3.so', libraryParameters: 'configdir=sql:/x' }],
    });
    expect(found).toEqual([
      { name: 'NSS', path: '/usr/lib/libsoftokn3.so', source: 'policy', libraryParameters: 'configdir=sql:/x' },
      { name: 'libx.so', path: '/opt/a/libx.so', source: 'env' },
      { name: 'relative.so', path: 'relative.so', source: 'env' },
      { name: 'libshuttle_p11v220.so', path: '/usr/lib/libshuttle_p11v220.so', source: 'env' },
    ]);
  });

  it('windowsEnvUsesSemicolons', () => {
    const found = discoverModules({ platform: 'win32', env: { KYSO_PKCS11_MODULES: 'C:\\a\\x.dll;D:\\y.dll' }, fs: fakeFs({}, true) });
    expect(found.map((c) => c.path)).toEqual(['C:\\a\\x.dll', 'D:\\y.dll']);
  });
});

describe('helpers', () => {
  it('expandWindowsVars_isCaseInsensitive_andKeepsUnknownVariables', () => {
    expect(expandWindowsVars('%systemroot%\\System32\\a.dll', { SystemRoot: 'C:\\Windows' })).toBe('C:\\Windows\\System32\\a.dll');
    expect(expandWindowsVars('%NOPE%\\a.dll', {})).toBe('%NOPE%\\a.dll');
  });
  it('parseP11KitModule_honoursEnableAndDisableIn', () => {
    expect(parseP11KitModule('module: a.so\nenable-in: firefox')).toEqual({ module: 'a.so', skip: true });
    expect(parseP11KitModule('module: a.so\ndisable-in: kyso-agent')).toEqual({ module: 'a.so', skip: true });
    expect(parseP11KitModule('module: a.so\nenable-in: kyso-agent, firefox')).toEqual({ module: 'a.so', skip: false });
    expect(parseP11KitModule('# nothing')).toEqual({ skip: false });
  });
});
