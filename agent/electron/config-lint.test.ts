// Lint-style checks: every BrowserWindow in agent/electron has the hardened webPreferences; electron-builder fuses are set.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;

/** The balanced `{…}` argument text of each `new BrowserWindow(` call in a source file. */
function windowOptionTexts(src: string): string[] {
  const out: string[] = [];
  for (let i = src.indexOf('new BrowserWindow('); i !== -1; i = src.indexOf('new BrowserWindow(', i + 1)) {
    let j = i + 'new BrowserWindow('.length;
    if (src[j] !== '{') {
      out.push('');
      continue;
    }
    let depth = 0;
    const start = j;
    for (; j < src.length; j++) {
      if (src[j] === '{') depth++;
      if (src[j] === '}' && --depth === 0) break;
    }
    out.push(src.slice(start, j + 1));
  }
  return out;
}

describe('BrowserWindow lint', () => {
  it('every new BrowserWindow( in agent/electron passes an inline, hardened webPreferences', async () => {
    const files = (await readdir(here, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('testing'));
    let count = 0;
    for (const f of files) {
      for (const text of windowOptionTexts(await readFile(join(here, f), 'utf8'))) {
        count++;
        expect(text, f).toMatch(/webPreferences:\s*\{/);
        for (const required of ['sandbox: true', 'contextIsolation: true', 'nodeIntegration: false', 'webSecurity: true', 'preload']) expect(text, `${f}: ${required}`).toContain(required);
        for (const banned of ['nodeIntegration: true', 'nodeIntegrationInWorker: true', 'webviewTag: true', 'allowRunningInsecureContent: true', 'sandbox: false', 'contextIsolation: false', 'webSecurity: false']) expect(text, `${f}: ${banned}`).not.toContain(banned);
      }
    }
    expect(count).toBeGreaterThan(0);
  });

  it('detects a window without hardening (the lint itself works)', () => {
    const [text] = windowOptionTexts('const w = new BrowserWindow({ width: 1, webPreferences: { nodeIntegration: true } });');
    expect(text).toContain('nodeIntegration: true');
    expect(text).not.toContain('sandbox: true');
  });
});

describe('electron-builder.yml', () => {
  it('sets the security fuses and the targets', async () => {
    const yml = await readFile(join(here, '..', '..', 'electron-builder.yml'), 'utf8');
    const lines = yml.split('\n');
    const start = lines.findIndex((l) => l.startsWith('electronFuses:'));
    expect(start).toBeGreaterThan(-1);
    const fuses: Record<string, string> = {};
    for (const l of lines.slice(start + 1)) {
      const m = /^ {2}(\w+):\s*(\S+)/.exec(l);
      if (!m) break;
      fuses[m[1]!] = m[2]!;
    }
    expect(fuses).toMatchObject({ runAsNode: 'false', enableNodeOptionsEnvironmentVariable: 'false', enableNodeCliInspectArguments: 'false', enableEmbeddedAsarIntegrityValidation: 'true', onlyLoadAppFromAsar: 'true' });
    expect(yml).toMatch(/^appId: \S+/m);
    for (const target of ['- deb', '- AppImage', '- nsis', '- pkg']) expect(yml).toContain(target);
  });
});
