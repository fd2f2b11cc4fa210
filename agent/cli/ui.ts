// `kyso-agent ui diagnostics|settings|about|verify`: asks the running agent to open one of its pages; `verify`
// serves the "Kiểm tra chữ ký" page itself (ui-verify.ts), no agent needed. The agent serves the
// page at a one-time URL and hands back a launcher file (0600) whose file:// URL holds no secret; this command opens
// it with `$BROWSER` or the OS opener of the session it runs in (docs/security.md "Pages opened from the command line").
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../headless/data-dir.js';
import type { Lang } from '../core/ports.js';
import { PANEL_PAGES, requestPanel, type PanelPage } from '../headless/ui-control.js';
import { createUrlOpener } from '../prompt/open-url.js';
import { EXIT, bilingual, errorText, type CliIo, type Subcommand } from './io.js';
import { COMMAND_TEXTS } from './texts.js';

/** Exit code when no agent answers on the data dir's control channel (docs/admin.md "Exit codes"). */
export const EXIT_NOT_RUNNING = 3;

const PAGE_NAMES: Record<PanelPage, [string, string]> = {
  diagnostics: ['Kiểm tra hệ thống', 'System check'],
  settings: ['Cài đặt', 'Settings'],
  about: ['Giới thiệu', 'About'],
};

export const uiCommand: Subcommand = {
  ...COMMAND_TEXTS.ui,
  async run(argv: string[], io: CliIo): Promise<number> {
    let page: PanelPage | 'verify';
    let dataDir: string;
    let lang: Lang | undefined;
    try {
      const { values, positionals } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, lang: { type: 'string' } }, strict: true, allowPositionals: true });
      const [p, ...extra] = positionals;
      const pages: readonly string[] = [...PANEL_PAGES, 'verify'];
      if (!p || extra.length > 0 || !pages.includes(p)) throw new Error(`trang / page: ${p ?? '?'} (${pages.join(' | ')})`);
      if (values.lang !== undefined && values.lang !== 'vi' && values.lang !== 'en') throw new Error('--lang: vi hoặc en / vi or en');
      page = p as PanelPage | 'verify';
      lang = values.lang as Lang | undefined;
      dataDir = resolveDataDir(values['data-dir'], io.env);
    } catch (e) {
      io.err(`${errorText(e)}\n${this.usage}`);
      return EXIT.usage;
    }
    if (page === 'verify') return (await import('./ui-verify.js')).runVerifyPage(io, lang, dataDir);
    const [vi, en] = PAGE_NAMES[page];
    const reply = await requestPanel(dataDir, page);
    if (reply.kind === 'not-running') {
      io.err(bilingual(`Agent chưa chạy (thư mục dữ liệu ${dataDir}). Hãy chạy: kyso-agent start`, `The agent is not running (data dir ${dataDir}). Start it with: kyso-agent start`));
      return EXIT_NOT_RUNNING;
    }
    if (reply.kind === 'error') {
      io.err(bilingual(`Agent không mở được trang ${vi} (${reply.reason}).`, `The agent could not open the ${en} page (${reply.reason}).`));
      return EXIT.failure;
    }
    if (reply.kind === 'launcher') {
      try {
        await createUrlOpener(io.env)(reply.launcher);
      } catch (e) {
        await reply.done(false);
        io.err(bilingual(
          `Không mở được trình duyệt: ${errorText(e)}. Đặt biến BROWSER (ví dụ BROWSER=firefox) rồi chạy lại.`,
          `No browser could be opened: ${errorText(e)}. Set BROWSER (e.g. BROWSER=firefox) and try again.`,
        ));
        return EXIT.failure;
      }
      await reply.done(true);
    }
    io.out(bilingual(`Đã mở trang ${vi}.`, `Opened the ${en} page.`));
    return EXIT.ok;
  },
};
