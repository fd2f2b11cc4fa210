// `kyso-agent start`: runs the agent until SIGINT/SIGTERM, printing the one ready line on stdout.
import { COMMAND_TEXTS } from './texts.js';
import { parseArgs } from 'node:util';
import { startAgent, type StartOptions } from '../headless/index.js';
import { EXIT, bilingual, errorText, type CliIo, type Subcommand } from './io.js';

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${name}: cổng không hợp lệ / invalid port "${value}"`);
  return n;
}

export const startCommand: Subcommand = {
  ...COMMAND_TEXTS.start,
  async run(argv: string[], io: CliIo): Promise<number> {
    let options: StartOptions;
    let ui: string | undefined;
    let json = true;
    try {
      const { values } = parseArgs({
        args: argv,
        options: {
          headless: { type: 'boolean' },
          ui: { type: 'string' },
          port: { type: 'string' },
          'plain-port': { type: 'string' },
          dev: { type: 'boolean' },
          'data-dir': { type: 'string' },
          policy: { type: 'string' },
          lang: { type: 'string' },
          verbose: { type: 'boolean' },
          json: { type: 'boolean' },
        },
        strict: true,
        allowPositionals: false,
      });
      ui = values.ui;
      json = values.json === true || io.stdoutTerminal !== true;
      if (ui !== undefined && ui !== 'electron' && ui !== 'browser') throw new Error(`--ui: "${ui}" (electron | browser)`);
      if (values.lang !== undefined && values.lang !== 'vi' && values.lang !== 'en') throw new Error(`--lang: "${values.lang}" (vi | en)`);
      options = {
        port: port(values.port, 'port'),
        plainPort: port(values['plain-port'], 'plain-port'),
        dev: values.dev ?? false,
        dataDir: values['data-dir'],
        policyPath: values.policy,
        lang: values.lang as 'vi' | 'en' | undefined,
        logEcho: values.verbose ?? false,
        env: io.env,
      };
    } catch (e) {
      io.err(`${errorText(e)}\n${this.usage}`);
      return EXIT.usage;
    }
    if (ui === 'electron') {
      io.err(bilingual('Giao diện Electron chạy bằng ứng dụng kyso-agent, không phải lệnh này.', 'The Electron UI runs from the kyso-agent app, not from this command.'));
      return EXIT.usage;
    }
    // Plain Node has no windows of its own: dialogs are browser pages (also when only --headless is given).
    options.ui = 'browser';

    let agent;
    try {
      agent = await startAgent(options);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') io.err(bilingual('Cổng đang được dùng (agent khác đang chạy?).', 'The port is in use (is another agent running?).'));
      io.err(`kyso-agent start: ${errorText(e)}`);
      return EXIT.failure;
    }
    // Machines (a pipe, --json) get the one JSON ready line; a person at a terminal gets a short summary.
    if (json) io.out(agent.readyLine());
    else io.out(readySummary(agent));

    return new Promise<number>((resolve) => {
      const stop = (signal: string): void => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        agent.logger.info('agent.signal', { signal });
        void agent.stop().then(
          () => resolve(EXIT.ok),
          () => resolve(EXIT.failure),
        );
        // Whatever still holds the event loop (a stuck module), the process must end.
        setTimeout(() => process.exit(process.exitCode ?? EXIT.ok), 10_000).unref();
      };
      const onInt = (): void => stop('SIGINT');
      const onTerm = (): void => stop('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    });
  },
};

/** The terminal summary of a running agent: where it listens, in both languages. */
export function readySummary(agent: { tlsPort: number; plainPort: number | null; vnptPort: number | null }): string {
  const lines = [
    'kyso-agent đang chạy / is running',
    `  TLS:   https://127.0.0.1:${agent.tlsPort}`,
    agent.plainPort !== null ? `  plain: http://127.0.0.1:${agent.plainPort} (--dev)` : null,
    agent.vnptPort !== null ? `  VNPT-CA Plugin: wss://localhost:${agent.vnptPort}/plugin` : null,
    '  Ctrl-C: dừng / stop',
  ];
  return lines.filter((l) => l !== null).join('\n');
}
