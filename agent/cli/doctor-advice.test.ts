import { describe, expect, it } from 'vitest';
import type { ModuleReport, Token } from '../core/index.js';
import { doctorAdvice, vendorSummary, type AdviceInput } from './doctor-advice.js';

const token = (over: Partial<Token> = {}): Token => ({
  tokenId: 't1', label: 'VNPT-CA TOKEN', manufacturer: 'VNPT', model: 'v6', serialNumber: '1', moduleName: 'VNPT-CA', pinpad: false, pinStatus: 'ok', ...over,
});
const mod = (over: Partial<ModuleReport> = {}): ModuleReport => ({ name: 'VNPT-CA', path: 'C:\\Windows\\System32\\vnptca_p11_v6.dll', source: 'catalog', status: 'loaded', ...over });
const healthy = (): AdviceInput => ({
  policy: { source: 'file', problems: [], warnings: [] },
  modules: [mod()],
  tokens: [token()],
  certificates: [{ status: 'valid', hasPrivateKey: true }],
  ca: { caSha256: 'ab', stores: [{ status: 'installed' }] },
});
const codes = (r: AdviceInput) => doctorAdvice(r).map((a) => a.code);

describe('doctorAdvice', () => {
  it('doctorAdvice_healthyMachine_saysNothing', () => {
    expect(doctorAdvice(healthy())).toEqual([]);
  });
  it('doctorAdvice_noModuleAtAll_saysDriverMissingWithThePolicyLine', () => {
    const a = doctorAdvice({ ...healthy(), modules: [mod({ status: 'notFound' })], tokens: [], certificates: [] });
    expect(a.map((x) => x.code)).toEqual(['NO_DRIVER']);
    expect(a[0]!.vi).toContain('Không tìm thấy driver');
    expect(a[0]!.fix).toContain('"modules"');
  });
  it('doctorAdvice_32bitLibrary_namesTheArchitectureNotMissingDriver', () => {
    const r = { ...healthy(), modules: [mod({ status: 'failed', reason: 'load failed: /usr/lib/x.so: wrong ELF class: ELFCLASS32' })], tokens: [], certificates: [] };
    expect(codes(r)).toEqual(['DRIVER_32BIT']);
    const win = { ...r, modules: [mod({ status: 'failed', reason: 'load failed: %1 is not a valid Win32 application. (error 193)' })] };
    expect(codes(win)).toEqual(['DRIVER_32BIT']);
  });
  it('doctorAdvice_lockedAndFinalTryTokens_areEachNamed', () => {
    const r = { ...healthy(), tokens: [token({ pinStatus: 'locked', label: 'A' }), token({ pinStatus: 'finalTry', label: 'B' })] };
    expect(codes(r)).toEqual(['TOKEN_LOCKED', 'TOKEN_FINAL_TRY']);
  });
  it('doctorAdvice_caMissingOrStale_suggestsCaInstall', () => {
    expect(doctorAdvice({ ...healthy(), ca: { caSha256: null, stores: [] } }).map((a) => a.fix)).toEqual(['kyso-agent ca install']);
    expect(codes({ ...healthy(), ca: { caSha256: 'ab', stores: [{ status: 'stale' }] } })).toEqual(['CA_NOT_TRUSTED']);
  });
  it('doctorAdvice_tokenThroughP11KitModule_givesThePolicyFragmentForTheFleet', () => {
    const m = mod({ name: 'opensc', source: 'p11-kit', path: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so' });
    const a = doctorAdvice({ ...healthy(), modules: [m], tokens: [token({ moduleName: 'opensc' })] });
    expect(a.map((x) => x.code)).toEqual(['MODULE_NOT_IN_CATALOG']);
    expect(JSON.parse(a[0]!.fix!)).toEqual({ modules: [{ name: 'opensc', path: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so' }] });
  });
  it('doctorAdvice_brokenPolicyOrUnknownKeys_areReported', () => {
    expect(codes({ ...healthy(), policy: { source: 'safest', problems: ['$.x: bad'], warnings: [] } })).toEqual(['POLICY_BROKEN']);
    expect(codes({ ...healthy(), policy: { source: 'file', problems: [], warnings: ['$: unknown setting "a" (ignored)'] } })).toEqual(['POLICY_WARNINGS']);
  });
  it('doctorAdvice_driverLoadedButNoToken_asksToPlugItIn', () => {
    expect(codes({ ...healthy(), tokens: [], certificates: [] })).toEqual(['NO_TOKEN']);
  });
  it('doctorAdvice_groupWritableDriver_isRefusedWithAFix', () => {
    const a = doctorAdvice({ ...healthy(), modules: [mod(), mod({ status: 'refused', reason: 'file is writable by a group', path: '/opt/x/lib.so' })] });
    expect(a.map((x) => x.code)).toEqual(['DRIVER_REFUSED']);
    expect(a[0]!.fix).toContain("chmod 755 '/opt/x/lib.so'");
  });
});

describe('vendorSummary', () => {
  it('vendorSummary_countsFoundLoadedAndTokensPerCatalogVendor', () => {
    const mods = [mod(), mod({ status: 'failed', path: 'b.dll' }), mod({ name: 'Viettel-CA', status: 'notFound' })];
    expect(vendorSummary(['VNPT-CA', 'Viettel-CA'], mods, [token(), token({ tokenId: 't2' })])).toEqual([
      { vendor: 'VNPT-CA', found: 2, loaded: 1, tokens: 2 },
      { vendor: 'Viettel-CA', found: 0, loaded: 0, tokens: 0 },
    ]);
  });
});
