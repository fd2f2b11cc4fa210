// The CLI's command table: help, version, unknown commands, usage errors, policy check.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUBCOMMANDS, run } from './main.js';
import type { CliIo } from './io.js';

function io(): CliIo & { outText: string; errText: string } {
  const o = { outText: '', errText: '', env: {} as NodeJS.ProcessEnv, out: (t: string) => void (o.outText += `${t}\n`), err: (t: string) => void (o.errText += `${t}\n`) };
  return o;
}

describe('kyso-agent CLI', () => {
  // Loads every subcommand module (their imports are lazy elsewhere): slow on a busy machine, so a longer timeout.
  it('help_listsEverySubcommand_vietnameseFirst', { timeout: 30_000 }, async () => {
    const i = io();
    expect(await run(['--help'], i)).toBe(0);
    for (const name of Object.keys(SUBCOMMANDS)) expect(i.outText).toContain(name);
    expect(i.outText.indexOf('Cách dùng')).toBeLessThan(i.outText.indexOf('Usage'));
  });

  it('version_printsPackageVersion', async () => {
    const i = io();
    expect(await run(['--version'], i)).toBe(0);
    expect(i.outText.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('unknownCommand_orPrototypeName_isUsageError', async () => {
    for (const name of ['frobnicate', '__proto__', 'constructor']) {
      const i = io();
      expect(await run([name], i)).toBe(2);
      expect(i.errText).toContain('Unknown command');
    }
  });

  it('start_withBadFlags_isUsageErrorWithoutStarting', async () => {
    for (const args of [['start', '--port', 'abc'], ['start', '--port', '70000'], ['start', '--ui', 'tui'], ['start', '--lang', 'fr'], ['start', '--bogus']]) {
      const i = io();
      expect(await run(args, i)).toBe(2);
    }
  });

  it('policyCheck_reportsValidAndInvalidFiles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyso-cli-unit-'));
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ allowedOrigins: ['https://dichvucong.gov.vn'], allowPairing: false }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ allowedOrigins: ['dichvucong.gov.vn'], surprise: 1 }));
    const good = io();
    expect(await run(['policy', 'check', join(dir, 'good.json')], good)).toBe(0);
    expect(good.outText).toContain('https://dichvucong.gov.vn');
    const bad = io();
    expect(await run(['policy', 'check', join(dir, 'bad.json')], bad)).toBe(1);
    expect(bad.errText).toContain('$.allowedOrigins[0]');
    expect(bad.errText).toContain('surprise');
    expect(await run(['policy', 'check'], io())).toBe(2);
  });

  it('ca_withUnknownAction_isUsageError', async () => {
    expect(await run(['ca', 'trust-everything'], io())).toBe(2);
  });
});

describe('the help texts table', () => {
  it('names the browsers agent/relay knows, written out so --help loads none of it', async () => {
    const { BROWSERS } = await import('../relay/index.js');
    const { COMMAND_TEXTS } = await import('./texts.js');
    expect(COMMAND_TEXTS['browser-integration'].usage).toContain(`--browser ${BROWSERS.join('|')}`);
  });
});
