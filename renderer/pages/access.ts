// "Allow site" page: <origin> muốn dùng chữ ký số của bạn — allow once / always / deny / block.
import type { AccessDecision } from '../../agent/core/ports.js';
import type { DialogState } from '../bridge.js';
import { armAfterFocus, h } from '../dom.js';
import { t } from '../i18n.js';
import { header, type Page, type PageContext } from './common.js';

export function accessPage(state: Extract<DialogState, { page: 'access' }>, ctx: PageContext): Page {
  const answer = (decision: AccessDecision) => () => {
    // Allowing needs the armed guard (focus delay, no held key); refusing never waits.
    if ((decision === 'allowOnce' || decision === 'allowAlways') && !arm.armed()) return;
    void ctx.send({ page: 'access', decision });
  };
  const allowOnce = h('button', { type: 'button', class: 'primary', 'data-testid': 'allow-once', onclick: answer('allowOnce') }, t('allowOnce'));
  const allowAlways = h('button', { type: 'button', 'data-testid': 'allow-always', onclick: answer('allowAlways') }, t('allowAlways'));
  const deny = h('button', { type: 'button', 'data-testid': 'deny', onclick: answer('deny') }, t('deny'));
  const block = h('button', { type: 'button', class: 'danger', 'data-testid': 'block', onclick: answer('block') }, t('block'));
  // Allowing waits for the focus delay; refusing never has to.
  const arm = armAfterFocus([allowOnce, allowAlways], 800);
  const root = h(
    'section',
    { class: 'dialog', 'aria-labelledby': 'dialog-title' },
    header(t('accessTitle')),
    // The exact origin is in the fixed request bar right above: named once per page.
    h('p', { class: 'question', 'data-testid': 'question' }, t('accessQuestion')),
    h('p', {}, t('accessExplain')),
    // Deny is the first Tab stop: a stray Enter never lands on an approving button first.
    h('div', { class: 'actions' }, deny, allowOnce, allowAlways, block),
  );
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      answer('deny')();
    }
  };
  document.addEventListener('keydown', onKey);
  return {
    root,
    dispose() {
      arm.dispose();
      document.removeEventListener('keydown', onKey);
    },
  };
}
