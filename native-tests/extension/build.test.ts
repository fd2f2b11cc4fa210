// The extension build: Firefox's package passes Mozilla's own linter (web-ext lint, npm) without errors or
// warnings; both manifests say what docs/extension.md says; the store zips hold exactly the built files.
// Firefox itself is not driven here (no Firefox in CI): docs/extension.md says so.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/harness.js';
import { ensureBuilt } from './harness.js';

const run = promisify(execFile);
const OUT = join(ROOT, 'dist', 'extension');
const manifest = (b: string) => JSON.parse(readFileSync(join(OUT, b, 'manifest.json'), 'utf8')) as Record<string, unknown>;
const ids = JSON.parse(readFileSync(join(ROOT, 'extension', 'ids.json'), 'utf8')) as { chromium: string; firefox: string };

beforeAll(() => ensureBuilt());

describe('extension build', () => {
  it('web-ext lint on dist/extension/firefox: no errors, no warnings', async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'node_modules', 'web-ext', 'bin', 'web-ext.js'), 'lint', '--source-dir', join(OUT, 'firefox'), '--output', 'json', '--self-hosted', '--no-config-discovery'], { maxBuffer: 8 << 20 }).catch((e: { stdout: string }) => e);
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { summary: { errors: number; warnings: number }; errors: unknown[]; warnings: unknown[]; metadata: { id: string } };
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.metadata.id).toBe(ids.firefox);
  });

  it('manifests: only nativeMessaging, content scripts at document_start (shim in the MAIN world), per-browser background', () => {
    const c = manifest('chromium');
    const f = manifest('firefox');
    for (const m of [c, f]) {
      expect(m.permissions).toEqual(['nativeMessaging']);
      expect(m.host_permissions).toBeUndefined();
      const scripts = m.content_scripts as Array<{ js: string[]; run_at: string; world?: string; matches: string[] }>;
      expect(scripts.map((s) => [s.js[0], s.run_at, s.world ?? 'ISOLATED'])).toEqual([['content.js', 'document_start', 'ISOLATED'], ['shim.js', 'document_start', 'MAIN']]);
      expect(scripts[0]!.matches).toEqual(['https://*/*', 'http://localhost/*', 'http://127.0.0.1/*']);
    }
    expect(c.background).toEqual({ service_worker: 'background.js' });
    expect(typeof c.key).toBe('string');
    expect(f.background).toEqual({ scripts: ['background.js'] });
    expect(f.key).toBeUndefined();
    expect((f.browser_specific_settings as { gecko: { id: string } }).gecko.id).toBe(ids.firefox);
  });

  it('the store zips hold exactly the built files (read back by unzip)', () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    for (const b of ['chromium', 'firefox']) {
      const zip = join(OUT, `kyso-agent-${b}-${version}.zip`);
      execFileSync('unzip', ['-tq', zip]);
      const listed = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n').sort();
      expect(listed).toEqual(readdirSync(join(OUT, b)).sort());
      expect(execFileSync('unzip', ['-p', zip, 'manifest.json'], { encoding: 'utf8' })).toBe(readFileSync(join(OUT, b, 'manifest.json'), 'utf8'));
    }
  });
});
