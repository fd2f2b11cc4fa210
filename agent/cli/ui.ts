// `kyso-agent ui verify [--lang vi|en]`: the "Kiểm tra chữ ký" page on its own short-lived loopback host (plain HTTP
// on 127.0.0.1, a one-time URL opened through a private launcher file); it ends when the page is closed. The other
// pages (settings, diagnostics) belong to the running agent and open from its tray. docs/trust.md "Verification".
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCertificateStatus } from '../certs/status/index.js';
import type { Lang } from '../core/ports.js';
import { renderReport } from '../core/verify/render.js';
import { resolveDataDir, resolvePolicyPath } from '../headless/data-dir.js';
import { createFileLogger } from '../headless/file-logger.js';
import { loadPolicy } from '../headless/policy-file.js';
import { createBrowserPrompt, createUrlOpener } from '../prompt/index.js';
import { createDocumentVerifier } from '../signing/verify/document.js';
import { EXIT, errorText, type CliIo, type Subcommand } from './io.js';
import { COMMAND_TEXTS, UI_USAGE } from './texts.js';

const notHere = async (): Promise<never> => {
  throw new Error('only the verify page is served by `kyso-agent ui`');
};

export const uiCommand: Subcommand = {
  ...COMMAND_TEXTS.ui,
  async run(argv: string[], io: CliIo): Promise<number> {
    let lang: Lang | undefined;
    let page: string | undefined;
    try {
      const { values, positionals } = parseArgs({ args: argv, options: { lang: { type: 'string' } }, allowPositionals: true, strict: true });
      if (values.lang !== undefined && values.lang !== 'vi' && values.lang !== 'en') throw new Error('--lang: vi hoặc en / vi or en');
      lang = values.lang as Lang | undefined;
      page = positionals.length === 1 ? positionals[0] : undefined;
    } catch (e) {
      io.err(`${errorText(e)}\n${UI_USAGE}`);
      return EXIT.usage;
    }
    if (page === 'settings' || page === 'diagnostics') {
      io.err('Trang này mở từ biểu tượng kyso-agent trên khay hệ thống (hoặc `kyso-agent doctor`).\nThis page opens from the kyso-agent tray icon (or use `kyso-agent doctor`).');
      return EXIT.usage;
    }
    if (page !== 'verify') {
      io.err(UI_USAGE);
      return EXIT.usage;
    }
    const dataDir = resolveDataDir(undefined, io.env);
    const loaded = await loadPolicy(resolvePolicyPath(undefined, io.env));
    const logger = createFileLogger({ dir: join(dataDir, 'logs', 'cli') });
    const wiring = await createCertificateStatus({ dataDir, policy: loaded.policy, logger });
    const verifier = createDocumentVerifier({ anchors: () => wiring.anchors.map((a) => a.der), status: wiring.service });
    let base = '';
    const host = createBrowserPrompt({
      baseUrl: () => base,
      open: createUrlOpener(io.env),
      launchDir: join(dataDir, 'ui-launch'),
      logger,
      lang: () => lang ?? loaded.policy.language ?? 'vi',
      dialogTimeoutMs: 30 * 60_000,
      panels: {
        settings: notHere, applySettings: notHere, diagnostics: notHere, about: notHere,
        verify: async (input, l) => renderReport(await verifier.verify(input), l),
      },
    });
    const server = createServer((req, res) => {
      if ((req.url ?? '').startsWith(host.mount.prefix)) host.mount.handle(req, res);
      else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await host.openPanel('verify');
    } catch (e) {
      io.err(`Không mở được trình duyệt / Could not open a browser: ${errorText(e)}`);
      server.close();
      return EXIT.failure;
    }
    io.out('Đã mở trang Kiểm tra chữ ký trong trình duyệt; đóng trang để kết thúc.\nThe "Verify a signature" page is open in your browser; close it to finish.');
    // The page's heartbeat keeps the dialog open; when the tab goes, the dialog closes and so does this host.
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        if (host.dialogs.openCount() === 0) {
          clearInterval(timer);
          done();
        }
      }, 500);
    });
    host.closeAll();
    await new Promise((r) => server.close(r));
    logger.close();
    return EXIT.ok;
  },
};
