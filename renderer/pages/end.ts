// A request's last words: what happened (signed, cancelled, timed out…), in the same window the request used.
import type { DialogState, EndOutcome } from '../bridge.js';
import { h } from '../dom.js';
import { t, type MessageKey } from '../i18n.js';
import { header, type Page } from './common.js';

type EndState = Extract<DialogState, { page: 'end' }>;

export const END_TEXT: Record<EndOutcome, [title: MessageKey, body: MessageKey]> = {
  allowed: ['endAllowedTitle', 'endNextBody'],
  chosen: ['endChosenTitle', 'endNextBody'],
  denied: ['endDeniedTitle', 'endDeniedBody'],
  blocked: ['endBlockedTitle', 'endBlockedBody'],
  signed: ['endSignedTitle', 'endSignedBody'],
  done: ['endDoneTitle', 'endDoneBody'],
  cancelled: ['endCancelledTitle', 'endCancelledBody'],
  timeout: ['endTimeoutTitle', 'endTimeoutBody'],
  failed: ['endFailedTitle', 'endFailedBody'],
};

export function endPage(state: EndState): Page {
  const [title, body] = END_TEXT[state.outcome];
  const ok = state.outcome === 'signed' || state.outcome === 'done' || state.outcome === 'allowed' || state.outcome === 'chosen';
  const root = h(
    'section',
    { class: 'dialog', 'aria-labelledby': 'dialog-title', 'data-testid': 'end', 'data-outcome': state.outcome },
    header(t(title)),
    h('p', { class: ok ? 'status ok' : 'status', role: 'status' }, t(body)),
  );
  return { root };
}
