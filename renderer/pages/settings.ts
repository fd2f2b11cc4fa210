// Settings / Sites page: approved and blocked origins (revoke, unblock), language, PIN session minutes, start at login.
import type { DialogState, SettingsAction } from '../bridge.js';
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { describeOrigin } from '../punycode.js';
import { header, type Page, type PageContext } from './common.js';

type SettingsState = Extract<DialogState, { page: 'settings' }>;

function siteList(origins: string[], action: 'revoke' | 'unblock', send: (a: SettingsAction) => void): HTMLElement {
  if (origins.length === 0) return h('p', { class: 'muted' }, t('noSites'));
  const ul = h('ul', { class: 'sites' });
  for (const origin of origins) {
    const d = describeOrigin(origin);
    const label = action === 'revoke' ? t('revoke') : t('unblock');
    ul.append(
      h(
        'li',
        {},
        h('span', { class: 'origin-text', dir: 'ltr' }, d.raw, d.unicode ? ` (${d.unicode})` : ''),
        h('button', { type: 'button', 'aria-label': `${label}: ${origin}`, 'data-testid': `${action}:${origin}`, onclick: () => send({ kind: action, origin }) }, label),
      ),
    );
  }
  return ul;
}

export function settingsPage(state: SettingsState, ctx: PageContext): Page {
  const s = state.settings;
  const status = h('p', { role: 'status', class: 'status', 'data-testid': 'settings-status' });
  const send = (action: SettingsAction) =>
    void ctx.send({ page: 'settings', action }, { stay: true }).then((ok) => {
      if (ok) status.textContent = t('saved');
    });

  const langSel = h('select', { id: uid('lang'), 'data-testid': 'lang', disabled: s.langLocked === true },
    h('option', { value: 'vi', selected: s.lang === 'vi' }, t('langVi')),
    h('option', { value: 'en', selected: s.lang === 'en' }, t('langEn')));
  langSel.addEventListener('change', () => send({ kind: 'lang', lang: langSel.value === 'en' ? 'en' : 'vi' }));

  const minutes = h('input', { type: 'number', id: uid('minutes'), min: 0, max: s.pinSessionMaxMinutes, step: 1, value: s.pinSessionMinutes, 'data-testid': 'pin-minutes', disabled: s.requirePinEveryTime === true, 'aria-describedby': 'pin-session-help' });
  const saveMinutes = h('button', { type: 'button', 'data-testid': 'save-minutes', disabled: s.requirePinEveryTime === true }, t('save'));
  saveMinutes.addEventListener('click', () => {
    const n = Math.round(Number(minutes.value));
    if (Number.isFinite(n)) send({ kind: 'pinSessionMinutes', minutes: Math.min(Math.max(n, 0), s.pinSessionMaxMinutes) });
  });

  const login = s.startAtLogin === null ? null : h('input', { type: 'checkbox', id: uid('login'), checked: s.startAtLogin, 'data-testid': 'start-at-login' });
  login?.addEventListener('change', () => send({ kind: 'startAtLogin', enabled: login.checked }));

  const closeBtn = h('button', { type: 'button', 'data-testid': 'close', onclick: () => ctx.dismiss() }, t('close'));
  const root = h(
    'section',
    { class: 'dialog wide', 'aria-labelledby': 'dialog-title' },
    header(t('settingsTitle')),
    h('h2', {}, t('sitesTitle')),
    h('h3', {}, t('approvedSites')),
    siteList(s.approvedOrigins, 'revoke', send),
    h('h3', {}, t('blockedSites')),
    siteList(s.blockedOrigins, 'unblock', send),
    h('h2', {}, t('language')),
    h('p', {}, h('label', { for: langSel.id }, t('language')), ' ', langSel, s.langLocked ? h('span', { class: 'muted' }, ` ${t('policyLocked')}`) : null),
    h('h2', {}, t('pinSession')),
    h('p', { class: 'row' }, h('label', { for: minutes.id }, t('pinSession')), minutes, saveMinutes),
    h('p', { id: 'pin-session-help', class: 'muted small' }, s.requirePinEveryTime ? t('pinSessionPolicy') : t('pinSessionHelp')),
    login ? h('p', { class: 'check' }, login, ' ', h('label', { for: login.id }, t('startAtLogin'))) : null,
    status,
    h('div', { class: 'actions' }, closeBtn),
  );
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') ctx.dismiss();
  };
  document.addEventListener('keydown', onKey);
  return { root, dispose: () => document.removeEventListener('keydown', onKey) };
}
