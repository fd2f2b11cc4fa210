// Composition root of the Electron tray app: the headless agent (startAgent) with dialogs as sandboxed windows.
import { homedir, platform as osPlatform, release } from 'node:os';
import { join } from 'node:path';
import { app, session } from 'electron';
import type { Lang, Logger } from '../core/ports.js';
import type { PanelPage } from '../core/ui-contract.js';
import { createDialogPrompt, type DialogPrompt } from '../prompt/dialog-prompt.js';
import { defaultBundleDir } from '../prompt/index.js';
import { caTrustRows, createAgentPanels } from '../prompt/panels.js';
import type { RunningAgent, StartOptions } from '../headless/start.js';
import { caStatus } from '../tls/index.js';
import { registerDialogIpc } from './ipc.js';
import { getStartAtLogin, setStartAtLogin, type LoginItemEnv } from './login-item.js';
import { createAgentTray, type AgentTray } from './tray.js';
import { handleUiScheme, registerUiScheme } from './ui-protocol.js';
import { createWindowPresenter } from './window-presenter.js';

export interface ElectronMainOptions {
  /** startAgent of agent/headless (injected so unit tests run without tokens, TLS or listeners). */
  start: (options: StartOptions) => Promise<RunningAgent>;
  /** Compiled + CJS-bundled preload script. */
  preloadPath: string;
  bundleDir?: string;
  lang?: Lang;
  dialogTimeoutMs?: number;
  startOptions?: StartOptions;
}

export interface ElectronShell {
  dialogs: DialogPrompt;
  tray: AgentTray;
  agent: RunningAgent;
}

/** Until startAgent returns, dialogs log here; afterwards to the agent's file log. */
function deferredLogger(target: () => Logger | undefined): Logger {
  return {
    info: (e, f) => target()?.info(e, f),
    warn: (e, f) => target()?.warn(e, f),
    error: (e, f) => target()?.error(e, f),
  };
}

/**
 * Runs the tray app. Returns null when another instance already runs (this one quits; the first one
 * opens its diagnostics page on 'second-instance').
 */
export async function runElectron(options: ElectronMainOptions): Promise<ElectronShell | null> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  registerUiScheme();
  await app.whenReady();
  handleUiScheme(options.bundleDir ?? defaultBundleDir());
  // Dialog pages need no device, camera, notification or geolocation permission.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  // Filled in as the shell comes up; closures below read them late.
  const ref: { agent?: RunningAgent; tray?: AgentTray; panels?: ReturnType<typeof createAgentPanels> } = {};
  let lang: Lang = options.lang ?? 'vi';
  const loginEnv: LoginItemEnv = { platform: process.platform, configHome: process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), execPath: process.execPath };
  const presenter = createWindowPresenter(options.preloadPath);
  const logger = deferredLogger(() => ref.agent?.logger);
  const panelsOf = (a: RunningAgent) =>
    createAgentPanels({
      version: a.version,
      platform: `${osPlatform()} ${release()}`,
      access: a.access,
      // Absent only in unit tests' fake agents; the panels then fall back to the policy's values.
      ...(a.settings ? { settings: a.settings } : {}),
      policy: a.policy,
      tokens: a.tokens,
      ports: () => ({ tls: a.tlsPort, plain: a.plainPort, vnpt: a.vnptPort }),
      caTrust: async () => caTrustRows(await caStatus(a.dataDir, homedir())),
      startAtLogin: { get: () => getStartAtLogin(loginEnv), set: (on) => setStartAtLogin(on, loginEnv) },
      lang: () => lang,
      ...(a.verifier ? { verifier: a.verifier } : {}),
      onLanguage: (l) => {
        lang = l;
        ref.tray?.setLanguage(l);
      },
    });
  const dialogs = createDialogPrompt({
    presenter,
    logger,
    lang: () => lang,
    dialogTimeoutMs: options.dialogTimeoutMs ?? 120_000,
    panels: {
      settings: () => ref.panels!.settings(),
      applySettings: (a) => ref.panels!.applySettings(a),
      diagnostics: () => ref.panels!.diagnostics(),
      about: () => ref.panels!.about(),
      verify: (input, l) => ref.panels!.verify!(input, l),
    },
  });
  presenter.attach(dialogs);
  registerDialogIpc(dialogs, presenter.bindings);

  const open = (page: PanelPage) =>
    void dialogs.openPanel(page).catch((e: unknown) => logger.error('ui.panel.failed', { page, error: e instanceof Error ? e.message : String(e) }));

  const tray = createAgentTray(lang, {
    openPanel: open,
    setLanguage: (l) => {
      lang = l;
      ref.tray?.setLanguage(l);
    },
    quit: () => app.quit(),
  });
  app.on('second-instance', () => open('diagnostics'));
  // A tray app stays alive without windows.
  app.on('window-all-closed', () => undefined);
  let quitting = false;
  app.on('before-quit', (event) => {
    const agent = ref.agent;
    if (quitting || !agent) return;
    event.preventDefault();
    quitting = true;
    dialogs.closeAll();
    void agent.stop().finally(() => app.quit());
  });

  ref.tray = tray;
  const running = await options.start({
    ...options.startOptions,
    prompt: dialogs.prompt,
    lang,
    // `kyso-agent ui <page>` opens the same window as the tray menu.
    panelOpener: async (page) => {
      await dialogs.openPanel(page);
      return { kind: 'shown' };
    },
  });
  ref.agent = running;
  ref.panels = panelsOf(running);
  const refreshStatus = async () => {
    const tokens = await running.tokens.listTokens().catch(() => []);
    tray.setStatus(dialogs.openCount() > 0 ? 'signing' : tokens.length > 0 ? 'present' : 'none');
  };
  running.tokens.onTokensChanged(() => void refreshStatus());
  void refreshStatus();
  return { dialogs, tray, agent: running };
}
