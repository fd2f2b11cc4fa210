// About page: version and the licences of bundled components.
import type { DialogState } from '../bridge.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { facts, header, type Page, type PageContext } from './common.js';

export function aboutPage(state: Extract<DialogState, { page: 'about' }>, ctx: PageContext): Page {
  const a = state.about;
  const rows = h('tbody');
  for (const c of a.components) rows.append(h('tr', {}, h('td', {}, c.name), h('td', {}, c.version ?? ''), h('td', {}, c.licence)));
  const closeBtn = h('button', { type: 'button', 'data-testid': 'close', onclick: () => ctx.dismiss() }, t('close'));
  const root = h(
    'section',
    { class: 'dialog', 'aria-labelledby': 'dialog-title' },
    header(t('aboutTitle')),
    h('p', {}, t('aboutBody')),
    facts([[t('version'), `${a.name} ${a.version}`], [t('licence'), a.licence]]),
    h('h2', {}, t('components')),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('componentName')), h('th', { scope: 'col' }, t('version')), h('th', { scope: 'col' }, t('licence')))), rows),
    h('div', { class: 'actions' }, closeBtn),
  );
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') ctx.dismiss();
  };
  document.addEventListener('keydown', onKey);
  return { root, initialFocus: closeBtn, dispose: () => document.removeEventListener('keydown', onKey) };
}
