// `kyso-agent browser-integration install | uninstall | status`: registers the native-messaging host the
// companion extension talks to, for the current user's browsers or one browser profile folder.
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { resolveDataDir, resolvePolicyPath } from '../headless/data-dir.js';
import { loadPolicy } from '../headless/policy-file.js';
import { BROWSERS, install, selectBrowsers, status, uninstall, type BrowserName, type BrowserStatus, type IntegrationContext } from '../relay/index.js';
import { EXIT, errorText, type CliIo, type Subcommand } from './io.js';
import { cliCommand } from './native-host.js';
import { COMMAND_TEXTS } from './texts.js';

export async function integrationContext(env: NodeJS.ProcessEnv): Promise<IntegrationContext> {
  const policy = await loadPolicy(resolvePolicyPath(undefined, env));
  return {
    platform: process.platform,
    home: env.HOME ?? homedir(),
    dataDir: resolveDataDir(undefined, env),
    command: await cliCommand(),
    policyIds: policy.policy.extension.ids,
  };
}

function print(io: CliIo, rows: BrowserStatus[], json: boolean): void {
  if (json) {
    io.out(JSON.stringify({ browsers: rows }));
    return;
  }
  if (rows.length === 0) io.out('Không thấy trình duyệt nào; dùng --browser. / No browser found; use --browser.');
  for (const r of rows) {
    const state = r.registered ? (r.current ? 'đã đăng ký / registered' : 'cần cập nhật / needs update') : 'chưa đăng ký / not registered';
    io.out(`  ${r.browser.padEnd(9)} ${state}  ${r.manifest}`);
    for (const p of r.problems) io.out(`            ! ${p}`);
  }
}

export const browserIntegrationCommand: Subcommand = {
  ...COMMAND_TEXTS['browser-integration'],
  async run(argv: string[], io: CliIo): Promise<number> {
    let values: { browser?: string; 'user-data-dir'?: string; json?: boolean };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: argv,
        options: { browser: { type: 'string' }, 'user-data-dir': { type: 'string' }, json: { type: 'boolean' } },
        allowPositionals: true,
        strict: true,
      }));
    } catch (e) {
      io.err(`${errorText(e)}\n${this.usage}`);
      return EXIT.usage;
    }
    const action = positionals[0];
    const browser = values.browser as BrowserName | undefined;
    const userDataDir = values['user-data-dir'];
    if (positionals.length !== 1 || !['install', 'uninstall', 'status'].includes(action!) || (browser !== undefined && !BROWSERS.includes(browser))) {
      io.err(this.usage);
      return EXIT.usage;
    }
    if (userDataDir !== undefined && (browser === undefined || browser === 'firefox')) {
      io.err('--user-data-dir cần --browser chrome|chromium|edge|brave. / --user-data-dir needs a Chromium-family --browser.');
      return EXIT.usage;
    }
    try {
      const ctx = await integrationContext(io.env);
      const browsers = selectBrowsers(ctx, browser);
      const rows = action === 'install' ? await install(ctx, browsers, userDataDir)
        : action === 'uninstall' ? await uninstall(ctx, browsers, userDataDir)
          : await status(ctx, browsers, userDataDir);
      print(io, rows, values.json ?? false);
      if (action === 'install' && !values.json) io.out('Khởi động lại trình duyệt và cài tiện ích kyso-agent. / Restart the browser and install the kyso-agent extension.');
      return EXIT.ok;
    } catch (e) {
      io.err(`kyso-agent browser-integration ${action}: ${errorText(e)}`);
      return EXIT.failure;
    }
  },
};
