// Windows and macOS installers, checked by what can run here: the NSIS include compiled by Debian's makensis with
// warnings as errors (installer and uninstaller passes, with and without a driver bundle), electron-builder.yml
// against electron-builder's own JSON schema, the driver manifest against ours, and the shell scripts by shellcheck.
// The Electron binary and the real installers cannot be built here (docs/admin.md says what is not exercised).
import { Ajv } from 'ajv';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

const execFileP = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

async function sh(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { maxBuffer: 16 << 20 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const x = e as { code: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, out: (x.stdout ?? '') + (x.stderr ?? '') };
  }
}

/** A stand-in for electron-builder's NSIS template: the hooks it calls, in the order it calls them. */
function wrapper(include: string, out: string, uninstallerPass: boolean): string {
  return [
    'Unicode true',
    ...(uninstallerPass ? ['!define BUILD_UNINSTALLER'] : []),
    '!define APP_EXECUTABLE_FILENAME "kyso-agent.exe"',
    'Name "kyso-agent"',
    `OutFile "${out}"`,
    'InstallDir "$PROGRAMFILES64\\kyso-agent"',
    'RequestExecutionLevel admin',
    '!include "MUI2.nsh"',
    `!include "${include}"`,
    '!insertmacro MUI_PAGE_DIRECTORY',
    ...(uninstallerPass ? [] : ['!insertmacro customPageAfterChangeDir']),
    '!insertmacro MUI_PAGE_INSTFILES',
    '!insertmacro MUI_UNPAGE_INSTFILES',
    '!insertmacro MUI_LANGUAGE "Vietnamese"',
    '!insertmacro MUI_LANGUAGE "English"',
    'Function .onInit',
    '  !insertmacro customInit',
    'FunctionEnd',
    'Section "kyso-agent"',
    '  SetOutPath $INSTDIR',
    ...(uninstallerPass ? [] : ['  !insertmacro customInstall']),
    '  WriteUninstaller "$INSTDIR\\Uninstall kyso-agent.exe"',
    'SectionEnd',
    'Section "Uninstall"',
    '  !insertmacro customUnInstall',
    'SectionEnd',
    '',
  ].join('\n');
}

async function generate(driversDir: string, out: string): Promise<{ code: number; out: string }> {
  return sh(process.execPath, [join(root, 'scripts', 'nsis-include.mjs'), '--drivers', driversDir, '--out', out]);
}

async function driverBundle(content: string, sha?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kyso-drivers-'));
  await writeFile(join(dir, 'VNPT-CA_Token_Setup.exe'), content);
  const sha256 = sha ?? createHash('sha256').update(content).digest('hex');
  await writeFile(join(dir, 'drivers.json'), JSON.stringify({ drivers: [
    { vendor: 'VNPT-CA', file: 'VNPT-CA_Token_Setup.exe', silentArgs: '/S', module: 'C:\\Windows\\System32\\vnpt-ca_csp11.dll', sha256 },
  ] }));
  return dir;
}

describe('NSIS include', () => {
  for (const drivers of [false, true]) {
    for (const uninstallerPass of [false, true]) {
      it(`compiles with makensis -WX (${drivers ? 'one bundled driver' : 'no drivers'}, ${uninstallerPass ? 'uninstaller' : 'installer'} pass)`, async () => {
        const dir = await mkdtemp(join(tmpdir(), 'kyso-nsis-'));
        const driversDir = drivers ? await driverBundle('MZ fake driver installer') : dir;
        const include = join(dir, 'installer.nsh');
        const gen = await generate(driversDir, include);
        expect(gen.code, gen.out).toBe(0);
        expect(JSON.parse(gen.out).drivers).toBe(drivers ? 1 : 0);
        const script = join(dir, 'test.nsi');
        const exe = join(dir, 'kyso-agent-installer.exe');
        await writeFile(script, wrapper(include, exe, uninstallerPass));
        const r = await sh('makensis', ['-WX', '-V2', script]);
        expect(r.code, r.out).toBe(0);
        expect(existsSync(exe)).toBe(true);
        const text = await readFile(include, 'utf8');
        expect(text.includes('VNPT-CA_Token_Setup.exe')).toBe(drivers);
      }, 60_000);
    }
  }

  it('refuses a driver whose SHA-256 differs from the manifest', async () => {
    const dir = await driverBundle('tampered', '0'.repeat(64));
    const r = await generate(dir, join(dir, 'out.nsh'));
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('SHA-256 of VNPT-CA_Token_Setup.exe');
    expect(existsSync(join(dir, 'out.nsh'))).toBe(false);
  });

  it('offers every step with a silent switch and undoes each one on uninstall', async () => {
    const nsh = await readFile(join(root, 'installer', 'nsis', 'kyso-agent.nsh'), 'utf8');
    for (const sw of ['/NOAUTOSTART', '/NOCA', '/NOBROWSER', '/NODRIVERS', '/KEEPSETTINGS']) expect(nsh).toContain(`"${sw}"`);
    for (const key of ['Software\\Google\\Chrome\\NativeMessagingHosts', 'Software\\Microsoft\\Edge\\NativeMessagingHosts', 'Software\\Mozilla\\NativeMessagingHosts']) {
      expect(nsh).toContain(key);
      expect(nsh).toContain(`DeleteRegKey HKLM "${key}\\vn.kyso.agent"`);
    }
    expect(nsh).toContain('DeleteRegValue HKLM "Software\\Microsoft\\Windows\\CurrentVersion\\Run" "kyso-agent"');
    expect(nsh).toContain('LangString kysoOptionsTitle 1066 "Tuỳ chọn cài đặt"');
  });
});

describe('schemas', () => {
  const ajv = () => new Ajv({ allErrors: true, strict: false });

  it('electron-builder.yml is valid under electron-builder 26 own schema, and a typo is caught', async () => {
    const schema = JSON.parse(await readFile(join(import.meta.dirname, 'fixtures', 'electron-builder-26.17.0.scheme.json'), 'utf8')) as object;
    const validate = ajv().compile(schema);
    const config = YAML.parse(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(config.nsis!.installerLanguages).toEqual(['vi_VN', 'en_US']);
    expect(config.nsis!.perMachine).toBe(true);
    expect(validate({ ...config, nsis: { ...config.nsis, perMachines: true } })).toBe(false);
  });

  it('the driver manifest example is valid and bad manifests are not', async () => {
    const schema = JSON.parse(await readFile(join(root, 'installer', 'drivers', 'drivers.schema.json'), 'utf8')) as object;
    const validate = ajv().compile(schema);
    expect(validate(JSON.parse(await readFile(join(root, 'installer', 'drivers', 'drivers.example.json'), 'utf8')))).toBe(true);
    const good = { vendor: 'Viettel-CA', file: 'viettel.msi', silentArgs: '/quiet /norestart', module: 'viettel-ca_v6.dll', sha256: 'a'.repeat(64) };
    expect(validate({ drivers: [good] })).toBe(true);
    expect(validate({ drivers: [{ ...good, file: '..\\evil.exe' }] })).toBe(false);
    expect(validate({ drivers: [{ ...good, silentArgs: '/S & del C:\\' }] })).toBe(true);
    expect(validate({ drivers: [{ ...good, silentArgs: '"$(calc)"' }] })).toBe(false);
    expect(validate({ drivers: [{ ...good, sha256: 'A'.repeat(64) }] })).toBe(false);
    expect(validate({ drivers: [{ ...good, extra: 1 }] })).toBe(false);
  });

  it('macOS pkg scripts pass shellcheck', async () => {
    const r = await sh('shellcheck', [join(root, 'installer', 'macos', 'scripts', 'postinstall'), join(root, 'installer', 'macos', 'uninstall.sh')]);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });
});
