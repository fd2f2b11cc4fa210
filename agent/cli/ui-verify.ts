// `kyso-agent ui verify [--lang vi|en]`: the "Kiểm tra chữ ký" page on its own short-lived loopback host (plain HTTP
// on 127.0.0.1, a one-time URL opened through a private launcher file); it ends when the page is closed. Unlike the
// running agent's pages (ui.ts) it needs no agent: verification reads only the file. docs/trust.md "Verification".
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createCertificateStatus } from '../certs/status/index.js';
import type { Lang } from '../core/ports.js';
import { renderReport } from '../core/verify/render.js';
import { resolvePolicyPath } from '../headless/data-dir.js';
import { createFileLogger } from '../headless/file-logger.js';
import { loadPolicy } from '../headless/policy-file.js';
import { createBrowserPrompt, createUrlOpener } from '../prompt/index.js';
import { createDocumentVerifier } from '../signing/verify/document.js';
import { EXIT, errorText, type CliIo } from './io.js';

const notHere = async (): Promise<never> => {
  throw new Error('only the verify page is served by `kyso-agent ui`');
};

/** Serves the verify page until its tab is closed. Exit 0, or 1 when no browser could be opened. */
export async function runVerifyPage(io: CliIo, lang: Lang | undefined, dataDir: string): Promise<number> {
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
}
