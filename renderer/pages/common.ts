// Pieces shared by the pages: the page contract, the origin block, the certificate summary.
import type { Cert } from '../../agent/core/types.js';
import type { Bridge, DialogAnswer, DialogState } from '../bridge.js';
import { h } from '../dom.js';
import { formatDateTime, identifierPairs } from '../format.js';
import { t } from '../i18n.js';
import { describeOrigin } from '../punycode.js';

/** What main.ts hands every page. */
export interface PageContext {
  bridge: Bridge;
  /** Sends an answer; on success the page shows "sent" (unless `stay`), on failure an error line. */
  send(answer: DialogAnswer, options?: { stay?: boolean }): Promise<boolean>;
  /** Leaves the page without an answer (Esc / Close on pages that ask nothing). */
  dismiss(): void;
}

/** A rendered page. `update` returns true when it absorbed a new state in place (keeps typed input). */
export interface Page {
  root: HTMLElement;
  /** Element to focus first. */
  initialFocus?: HTMLElement;
  update?(state: DialogState): boolean;
  dispose?(): void;
}

/** The origin exactly as received, with the decoded form beside it and a look-alike warning when needed. */
export function originBlock(origin: string): HTMLElement {
  const d = describeOrigin(origin);
  return h(
    'div',
    { class: 'origin' },
    d.unicode
      ? h('p', {}, h('span', { class: 'muted' }, t('accessDecoded'), ' '), h('strong', { class: 'origin-text', dir: 'ltr' }, d.unicode))
      : null,
    h('p', {}, d.unicode ? h('span', { class: 'muted' }, t('accessRaw'), ' ') : null, h('strong', { class: 'origin-text', dir: 'ltr', 'data-testid': 'origin-raw' }, d.raw)),
    d.lookalike ? h('p', { class: 'warning', role: 'alert', 'data-testid': 'lookalike' }, t('lookalikeWarning')) : null,
  );
}

/**
 * The fixed bar at the top of every question window: which site asks. It stays put while the window moves from
 * allow → pick → confirm, so the origin is always in the same place (and shown once per page).
 */
export function requestBar(origin: string): HTMLElement {
  return h('div', { class: 'request-bar', role: 'region', 'aria-label': t('requestFrom'), 'data-testid': 'request-bar' }, h('p', { class: 'muted small' }, t('requestFrom')), originBlock(origin));
}

/** A definition list from label/value pairs (values may be nodes). */
export function facts(rows: Array<[string, string | Node] | null | false>, cls = 'facts'): HTMLDListElement {
  const dl = h('dl', { class: cls });
  for (const r of rows) {
    if (!r) continue;
    dl.append(h('dt', {}, r[0]), h('dd', {}, r[1]));
  }
  return dl;
}

/** Holder, organisation, identifiers, issuer and validity of a certificate. */
export function certSummary(cert: Cert): HTMLElement {
  return h(
    'div',
    { class: 'cert-summary' },
    h('p', { class: 'cert-name' }, cert.subject.commonName),
    facts([
      // An organisation's own certificate names it once (the holder line above).
      cert.subject.organization && cert.subject.organization !== cert.subject.commonName ? [t('organization'), cert.subject.organization] : null,
      ...identifierPairs(cert),
      [t('issuer'), cert.issuer.commonName],
      [t('validity'), t('validFromTo', { from: formatDateTime(cert.notBefore), to: formatDateTime(cert.notAfter) })],
    ]),
  );
}

/** The page header: product line + title. */
export function header(title: string): HTMLElement {
  return h('header', {}, h('p', { class: 'brand' }, t('appName')), h('h1', { id: 'dialog-title', tabindex: -1 }, title));
}
