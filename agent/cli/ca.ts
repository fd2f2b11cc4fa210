// `kyso-agent ca install | uninstall | status [--json]`: the per-machine CA in the OS and browser trust stores.
import { COMMAND_TEXTS } from './texts.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LogFields, Logger } from '../core/index.js';
import { createFileLogger, resolveDataDir } from '../headless/index.js';
import { caStatus, ensurePrivateDir, installCa, uninstallCa, type CaReport } from '../tls/index.js';
import { EXIT, errorText, type CliIo, type Subcommand } from './io.js';

const STATUS_TEXT: Record<string, string> = {
  installed: 'đã tin cậy / trusted',
  absent: 'chưa cài / not installed',
  stale: 'CA cũ, cần cài lại / old CA, reinstall',
  unavailable: 'không dùng được / unavailable',
};

function printReport(io: CliIo, report: CaReport, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(report));
    return;
  }
  io.out(`CA SHA-256: ${report.caSha256 ?? '(chưa có / none)'}`);
  for (const s of report.stores) io.out(`  ${s.label}: ${STATUS_TEXT[s.status] ?? s.status}${s.error ? ` — ${s.error}` : ''}`);
}

export const caCommand: Subcommand = {
  ...COMMAND_TEXTS.ca,
  async run(argv: string[], io: CliIo): Promise<number> {
    let values: { json?: boolean; 'data-dir'?: string; 'if-needed'?: boolean };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, 'data-dir': { type: 'string' }, 'if-needed': { type: 'boolean' } }, allowPositionals: true, strict: true }));
    } catch (e) {
      io.err(`${errorText(e)}\n${this.usage}`);
      return EXIT.usage;
    }
    const action = positionals[0];
    if (positionals.length !== 1 || !['install', 'uninstall', 'status'].includes(action!)) {
      io.err(this.usage);
      return EXIT.usage;
    }
    const dataDir = resolveDataDir(values['data-dir'], io.env);
    const home = io.env.HOME ?? homedir();
    const json = values.json ?? false;
    try {
      if (action === 'status') {
        printReport(io, await caStatus(dataDir, home), json);
        return EXIT.ok;
      }
      // `--if-needed` (autostart and the systemd unit run it at every login): nothing to do when every store that
      // can be used already trusts the current CA.
      if (action === 'install' && values['if-needed']) {
        const now = await caStatus(dataDir, home);
        if (now.caSha256 !== null && now.stores.every((s) => s.status === 'installed' || s.status === 'unavailable')) {
          if (json) io.out(JSON.stringify(now));
          return EXIT.ok;
        }
      }
      await ensurePrivateDir(dataDir);
      const file = createFileLogger({ dir: join(dataDir, 'logs') });
      const logger: Logger = {
        info: (e: string, f?: LogFields) => file.info(e, f),
        warn: (e: string, f?: LogFields) => file.warn(e, f),
        error: (e: string, f?: LogFields) => file.error(e, f),
      };
      try {
        const report = action === 'install' ? await installCa(dataDir, home, logger) : await uninstallCa(dataDir, home, logger);
        if (!json) io.out(action === 'install' ? 'Đã cài CA của kyso-agent / Installed the kyso-agent CA' : 'Đã gỡ CA của kyso-agent / Removed the kyso-agent CA');
        printReport(io, report, json);
        const failed = report.stores.some((s) => s.error !== undefined);
        if (action === 'install' && !json) {
          io.out('Khởi động lại trình duyệt để áp dụng. / Restart your browser to apply.');
        }
        return failed ? EXIT.failure : EXIT.ok;
      } finally {
        file.close();
      }
    } catch (e) {
      io.err(`kyso-agent ca ${action}: ${errorText(e)}`);
      return EXIT.failure;
    }
  },
};
