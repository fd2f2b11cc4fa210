// The browser host (`--ui browser`): every dialog is a page at <agent>/ui/<one-time token>, opened in the user's browser.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang, Logger, UserPrompt } from '../core/ports.js';
import type { PanelPage, TokenLabel } from '../core/ui-contract.js';
import { createDialogPrompt, type DialogPrompt, type PanelProvider } from './dialog-prompt.js';
import { createUiMount, type UiMount } from './http-mount.js';
import { createUrlOpener, type OpenUrl } from './open-url.js';
import { createLaunchers } from './launcher.js';

export { createDialogPrompt, AnswerRejected } from './dialog-prompt.js';
export type { Dialog, DialogPresenter, DialogPrompt, DialogPromptOptions, PanelProvider } from './dialog-prompt.js';
export { createUiMount, DIALOG_CSP, ownOrigins } from './http-mount.js';
export type { UiMount } from './http-mount.js';
export { createUrlOpener, openerCommand } from './open-url.js';
export { createAgentPanels, caTrustRows } from './panels.js';
export type { PanelSources, CaTrustSource } from './panels.js';
export type { OpenUrl } from './open-url.js';
export { createLaunchers, launcherHtml, LAUNCHER_TTL_MS } from './launcher.js';
export type { Launchers } from './launcher.js';

export interface BrowserPromptOptions {
  /** The agent's own base URL, e.g. `https://127.0.0.1:14433` (or the plain port in --dev). Read when a dialog opens. */
  baseUrl: () => string;
  /** Shows a URL to the user. Default: `$BROWSER <url>` or the OS opener. */
  open?: OpenUrl;
  /**
   * Private folder (created 0700) for launcher files, e.g. <dataDir>/ui-launch. When set, the opener gets the
   * file:// URL of a 0600 file that redirects to the dialog, so the one-time URL never appears on a command line.
   * Without it the dialog URL itself is opened (tests with an in-process opener).
   */
  launchDir?: string;
  /** Launchers not loaded by then are deleted. Default LAUNCHER_TTL_MS (60 s). */
  launcherTtlMs?: number;
  logger: Logger;
  /** Language of panels; prompts follow their PromptContext. */
  lang: Lang | (() => Lang);
  /** USER_TIMEOUT after this long without an answer. */
  dialogTimeoutMs: number;
  /** The page polls every second; this much silence after its first poll means the tab closed. Default 5000. */
  heartbeatTimeoutMs?: number;
  /** Folder of the renderer bundle. Default: dist/renderer-bundle found next to this module (source or built). */
  bundleDir?: string;
  /** Token labels for grouping in the picker (the UserPrompt port only passes certificates). */
  tokenLabels?: () => Promise<TokenLabel[]>;
  /** Data and actions of the settings / diagnostics / about pages. */
  panels?: PanelProvider;
  /** How long a request's tab stays on its last words, ready for the site's next question (0: close at once). */
  lingerMs?: number;
  /** No tab could be opened (the caller got UI_UNAVAILABLE). */
  onUnavailable?: (detail: string) => void;
}

/** A UserPrompt backed by browser pages, with the '/ui/' mount the server must install. */
export interface BrowserPrompt extends UserPrompt {
  mount: UiMount;
  /** Opens settings / diagnostics / about in the browser; resolves with the page URL. */
  openPanel(page: PanelPage): Promise<string>;
  /**
   * Prepares settings / diagnostics / about for another process to open (`kyso-agent ui`): writes the page's
   * launcher file and resolves with its file:// URL, which carries no secret. `cancel` ends the page (the caller
   * could not open it).
   */
  preparePanel(page: 'settings' | 'diagnostics' | 'about'): Promise<{ launcher: string; cancel(): void }>;
  /** The shared dialog machinery (tests, tray status). */
  dialogs: DialogPrompt;
  /** Cancels every open dialog (shutdown). */
  closeAll(): void;
}

/**
 * dist/renderer-bundle whether this file runs from source (agent/…), from the build (dist/agent/…) or from the
 * self-contained executable, whose bundle sits beside it (/usr/lib/kyso-agent/renderer-bundle).
 */
export function defaultBundleDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, '..', '..', 'renderer-bundle'),
    join(here, 'renderer-bundle'),
    join(here, '..', '..', 'dist', 'renderer-bundle'),
  ];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[candidates.length - 1]!;
}

export function createBrowserPrompt(options: BrowserPromptOptions): BrowserPrompt {
  const open = options.open ?? createUrlOpener();
  const urlOf = (id: string) => `${options.baseUrl().replace(/\/+$/, '')}/ui/${id}`;
  const launchers = options.launchDir ? createLaunchers(options.launchDir, options.logger, options.launcherTtlMs) : null;
  const dialogs = createDialogPrompt({
    logger: options.logger,
    lang: options.lang,
    dialogTimeoutMs: options.dialogTimeoutMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 5000,
    ...(options.tokenLabels ? { tokenLabels: options.tokenLabels } : {}),
    ...(options.panels ? { panels: options.panels } : {}),
    ...(options.lingerMs !== undefined ? { lingerMs: options.lingerMs } : {}),
    ...(options.onUnavailable ? { onUnavailable: options.onUnavailable } : {}),
    presenter: {
      // The URL carries the capability: never logged, and with a launch folder never on the opener's command line.
      show: async (d) => {
        if (!launchers) return open(urlOf(d.id));
        const file = await launchers.write(d.id, urlOf(d.id));
        // The dialog may have ended while the file was written: its close() found nothing to delete then.
        if (!dialogs.get(d.id)) return launchers.remove(d.id);
        try {
          await open(file);
        } catch (e) {
          launchers.remove(d.id);
          throw e;
        }
      },
      // Pages poll their state; nothing to push.
      update: () => undefined,
      // The token is already gone from the registry: the page's next poll gets 404 and shows "closed".
      close: (d) => launchers?.remove(d.id),
    },
  });
  const mount = createUiMount({ dialogs, logger: options.logger, baseUrl: options.baseUrl, bundleDir: options.bundleDir ?? defaultBundleDir(),
    // The browser has read the launcher: it has nothing more to do.
    ...(launchers ? { onPageServed: (d: { id: string }) => launchers.remove(d.id) } : {}),
  });
  const p = dialogs.prompt;
  return {
    requestAccess: (ctx) => p.requestAccess(ctx),
    chooseCertificate: (ctx, certs, o) => p.chooseCertificate(ctx, certs, o),
    confirmSigning: (ctx, r) => p.confirmSigning(ctx, r),
    progress: (ctx, done, total) => p.progress(ctx, done, total),
    finish: (ctx, outcome) => p.finish(ctx, outcome),
    mount,
    dialogs,
    async openPanel(page) {
      const d = await dialogs.openPanel(page);
      return urlOf(d.id);
    },
    async preparePanel(page) {
      if (!launchers) throw new Error('no launcher folder');
      let launcher = '';
      const d = await dialogs.openPanel(page, async (p) => void (launcher = await launchers.write(p.id, urlOf(p.id))));
      return { launcher, cancel: () => dialogs.cancel(d.id) };
    },
    closeAll: () => {
      dialogs.closeAll();
      launchers?.removeAll();
    },
  };
}
