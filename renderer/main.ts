// Entry point of the dialog pages: picks the bridge (Electron preload or browser host), draws the page, follows updates.
import type { Bridge, DialogAnswer, DialogState } from './bridge.js';
import { createBrowserBridge } from './browser-bridge.js';
import { h } from './dom.js';
import { createElectronBridge } from './electron-bridge.js';
import { getLang, setLang, t, type MessageKey } from './i18n.js';
import { aboutPage } from './pages/about.js';
import { requestBar, type Page, type PageContext } from './pages/common.js';
import { confirmPage } from './pages/confirm.js';
import { endPage, END_TEXT } from './pages/end.js';
import { diagnosticsPage } from './pages/diagnostics.js';
import { accessPage } from './pages/access.js';
import { pickerPage } from './pages/picker.js';
import { settingsPage } from './pages/settings.js';
import { verifyPage } from './pages/verify.js';

const TITLES: Record<Exclude<DialogState['page'], 'end'>, MessageKey> = {
  access: 'accessTitle', picker: 'pickerTitle', confirm: 'confirmTitle', settings: 'settingsTitle', diagnostics: 'diagTitle', about: 'aboutTitle', verify: 'verifyTitle',
};

function build(state: DialogState, ctx: PageContext): Page {
  switch (state.page) {
    case 'access': return accessPage(state, ctx);
    case 'picker': return pickerPage(state, ctx);
    case 'confirm': return confirmPage(state, ctx);
    case 'end': return endPage(state);
    case 'settings': return settingsPage(state, ctx);
    case 'diagnostics': return diagnosticsPage(state, ctx);
    case 'about': return aboutPage(state, ctx);
    case 'verify': return verifyPage(state, ctx);
  }
}

function run(bridge: Bridge, app: HTMLElement): void {
  let page: Page | undefined;
  let rev = -1;
  let ended = false;
  let current: DialogState | undefined;
  const errorLine = h('p', { class: 'error', role: 'alert', 'data-testid': 'send-error' });

  /** A plain message instead of a page. `final`: nothing more will come (stop following updates). */
  const message = (title: MessageKey, body: MessageKey, testid: string, final = true) => {
    page?.dispose?.();
    page = undefined;
    if (final) ended = true;
    const heading = h('h1', { tabindex: -1 }, t(title));
    app.replaceChildren(h('section', { class: 'dialog', 'data-testid': testid }, h('p', { class: 'brand' }, t('appName')), heading, h('p', {}, t(body))));
    document.title = `${t(title)} — kyso-agent`;
    heading.focus();
  };

  const ctx: PageContext = {
    bridge,
    async send(answer: DialogAnswer, options = {}) {
      errorLine.textContent = '';
      try {
        await bridge.answer({ ...answer, rev });
      } catch {
        errorLine.textContent = t('errorSend');
        return false;
      }
      // The window stays: the agent moves it to the request's next question or to its last words.
      if (!options.stay) message('doneTitle', 'doneBody', 'done', false);
      return true;
    },
    dismiss() {
      bridge.close();
      message('closedTitle', 'closedBody', 'closed');
      window.close();
    },
  };

  const render = (state: DialogState) => {
    page?.dispose?.();
    setLang(state.lang);
    rev = state.rev;
    current = state;
    page = build(state, ctx);
    document.title = `${t(state.page === 'end' ? END_TEXT[state.outcome][0] : TITLES[state.page])} — kyso-agent`;
    const origin = 'origin' in state ? state.origin : undefined;
    app.replaceChildren(...(origin !== undefined ? [requestBar(origin)] : []), page.root, errorLine);
    (page.initialFocus ?? page.root.querySelector<HTMLElement>('h1'))?.focus();
  };

  bridge.getState().then(
    (state) => {
      render(state);
      bridge.onUpdate((next) => {
        if (ended) return;
        // The request's last words stay on screen after the agent forgot the window.
        if (next === null) return current?.page === 'end' ? void (ended = true) : message('closedTitle', 'closedBody', 'closed');
        if (next.rev === rev) return;
        if (next.lang === getLang() && page?.update?.(next)) rev = next.rev;
        else render(next);
      });
    },
    () => message('closedTitle', 'closedBody', 'closed'),
  );
}

const app = document.getElementById('app');
if (app) run(createElectronBridge() ?? createBrowserBridge(), app);
