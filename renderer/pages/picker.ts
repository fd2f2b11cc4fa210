// Certificate picker: personal / organisation groups in a stable order (picker-order.ts), filterable, keyboard-driven
// listbox, details view, the site's last choice preselected.
import type { Cert } from '../../agent/core/types.js';
import type { DialogState } from '../bridge.js';
import { h, uid } from '../dom.js';
import { formatDate, formatDateTime, groupHex, identifierPairs } from '../format.js';
import { t } from '../i18n.js';
import { facts, header, type Page, type PageContext } from './common.js';
import { certKind, orderCertificates } from './picker-order.js';

type PickerState = Extract<DialogState, { page: 'picker' }>;

/** Expired, not-yet-valid and key-less certificates are shown but cannot be chosen for signing (nor revoked ones: `canChoose`). */
export function selectable(c: Cert): boolean {
  return c.status === 'valid' && c.hasPrivateKey;
}

function haystack(c: Cert): string {
  const ids = Object.values(c.identifiers).join(' ');
  return `${c.subject.commonName} ${c.subject.organization ?? ''} ${ids} ${c.issuer.commonName} ${c.serialNumber}`.toLocaleLowerCase();
}

export function pickerPage(state: PickerState, ctx: PageContext): Page {
  const listId = uid('certs');
  const helpId = uid('help');
  const filter = h('input', { type: 'search', id: uid('filter'), 'data-testid': 'filter', autocomplete: 'off', 'aria-controls': listId, 'aria-describedby': helpId });
  const list = h('div', { role: 'listbox', id: listId, tabindex: 0, class: 'cert-list', 'aria-label': state.title ?? t('pickerTitle'), 'data-testid': 'cert-list' });
  const detailsId = uid('details');
  const detailsPanel = h('div', { id: detailsId, class: 'details', hidden: true, 'data-testid': 'details' });
  const detailsBtn = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': detailsId, 'data-testid': 'details-toggle' }, t('details'));
  const chooseBtn = h('button', { type: 'button', class: 'primary', 'data-testid': 'choose' }, t('choose'));
  const cancelBtn = h('button', { type: 'button', 'data-testid': 'cancel' }, t('cancel'));
  const tokenLabel = new Map(state.tokens.map((tk) => [tk.tokenId, tk.label]));
  // Revoked or suspended now (the agent's status service): shown with why, never choosable.
  const marks = new Map((state.revocation ?? []).map((m) => [m.certId, m]));
  const canChoose = (c: Cert): boolean => selectable(c) && !marks.has(c.certId);
  const certificates = orderCertificates(state.certificates, new Set(marks.keys()));
  const optionId = new Map<string, string>(certificates.map((c) => [c.certId, uid('cert')]));

  let visible: Cert[] = [];
  const initial = certificates.find((c) => c.certId === state.lastChoice && canChoose(c)) ?? certificates.find(canChoose) ?? certificates[0];
  let active: Cert | undefined = initial;
  let showDetails = false;

  const renderDetails = () => {
    detailsPanel.replaceChildren();
    detailsPanel.hidden = !showDetails || !active;
    detailsBtn.setAttribute('aria-expanded', String(showDetails));
    detailsBtn.textContent = showDetails ? t('hideDetails') : t('details');
    if (!active || !showDetails) return;
    detailsPanel.append(
      facts([
        [t('subjectDn'), active.subject.dn],
        [t('issuerDn'), active.issuer.dn],
        [t('serialNumber'), active.serialNumber],
        [t('thumbprint'), h('code', {}, groupHex(active.thumbprintSha256))],
        [t('keyAlgorithm'), active.keyAlgorithm],
        [t('keyUsage'), [...active.keyUsage, ...active.extendedKeyUsage].join(', ') || '—'],
        [t('validity'), t('validFromTo', { from: formatDateTime(active.notBefore), to: formatDateTime(active.notAfter) })],
      ]),
    );
  };

  const renderList = () => {
    const q = filter.value.trim().toLocaleLowerCase();
    visible = certificates.filter((c) => !q || haystack(c).includes(q));
    if (!active || !visible.includes(active)) active = visible.find(canChoose) ?? visible[0];
    list.replaceChildren();
    if (certificates.length === 0) list.append(h('p', { class: 'empty' }, t('noCertificates')));
    else if (visible.length === 0) list.append(h('p', { class: 'empty' }, t('noMatch')));
    const groups = new Map<string, Cert[]>();
    for (const c of visible) groups.set(certKind(c), [...(groups.get(certKind(c)) ?? []), c]);
    for (const [kind, certs] of groups) {
      const label = t(kind === 'personal' ? 'groupPersonal' : 'groupOrganisation');
      const gid = uid('group');
      const group = h('div', { role: 'group', 'aria-labelledby': gid, class: 'cert-group' }, h('div', { id: gid, class: 'group-label' }, label));
      for (const c of certs) group.append(optionFor(c));
      list.append(group);
    }
    // Visible order (grouped) is the navigation order.
    visible = [...groups.values()].flat();
    if (active) list.setAttribute('aria-activedescendant', optionId.get(active.certId) ?? '');
    else list.removeAttribute('aria-activedescendant');
    chooseBtn.disabled = !active || !canChoose(active);
    renderDetails();
  };

  const optionFor = (c: Cert): HTMLElement => {
    const ok = canChoose(c);
    const badges: HTMLElement[] = [];
    if (c.status === 'expired') badges.push(h('span', { class: 'badge bad' }, t('expired')));
    if (c.status === 'notYetValid') badges.push(h('span', { class: 'badge bad' }, t('notYetValid')));
    if (!c.hasPrivateKey) badges.push(h('span', { class: 'badge bad' }, t('noPrivateKey')));
    const mark = marks.get(c.certId);
    if (mark) badges.push(h('span', { class: 'badge bad', 'data-testid': 'cert-revoked' }, t(mark.state === 'suspended' ? 'certSuspended' : 'certRevoked')));
    if (c.certId === state.lastChoice) badges.push(h('span', { class: 'badge' }, t('lastUsed')));
    const ids = identifierPairs(c).map(([k, v]) => `${k}: ${v}`).join(' · ');
    const opt = h(
      'div',
      {
        role: 'option',
        id: optionId.get(c.certId) ?? uid('cert'),
        class: `cert${ok ? '' : ' unavailable'}${c === active ? ' active' : ''}`,
        'aria-selected': String(c === active),
        'aria-disabled': ok ? null : 'true',
        'data-cert-id': c.certId,
        onclick: () => {
          active = c;
          renderList();
          list.focus();
        },
        ondblclick: () => choose(),
      },
      h('div', { class: 'cert-name' }, c.subject.commonName, ...badges),
      // An organisation certificate's holder usually is the organisation: its name once, not twice.
      c.subject.organization && c.subject.organization !== c.subject.commonName ? h('div', {}, c.subject.organization) : null,
      ids ? h('div', {}, ids) : null,
      mark ? h('div', { class: 'revoked-note', 'data-testid': 'cert-revoked-note' }, t(mark.state === 'suspended' ? 'certSuspendedSince' : 'certRevokedSince', { date: mark.revokedAt ? formatDate(mark.revokedAt) : '?' })) : null,
      h('div', { class: 'muted' }, `${t('issuer')}: ${c.issuer.commonName} · ${t('validity')}: ${t('validFromTo', { from: formatDate(c.notBefore), to: formatDate(c.notAfter) })}`),
      h('div', { class: 'muted small', 'data-testid': 'cert-token' }, t('tokenGroup', { label: tokenLabel.get(c.tokenId) ?? c.tokenId })),
    );
    return opt;
  };

  const move = (delta: number | 'home' | 'end') => {
    if (visible.length === 0) return;
    const i = active ? visible.indexOf(active) : -1;
    const next = delta === 'home' ? 0 : delta === 'end' ? visible.length - 1 : Math.min(visible.length - 1, Math.max(0, i + delta));
    active = visible[next];
    renderList();
    document.getElementById(optionId.get(active?.certId ?? '') ?? '')?.scrollIntoView({ block: 'nearest' });
  };

  const choose = () => {
    if (active && canChoose(active)) void ctx.send({ page: 'picker', certId: active.certId });
  };
  const cancel = () => void ctx.send({ page: 'picker', certId: null });

  const onKey = (e: KeyboardEvent) => {
    const inList = e.target === list || e.target === filter;
    if (e.key === 'Escape') {
      e.preventDefault();
      cancel();
    } else if (inList && e.key === 'ArrowDown') {
      e.preventDefault();
      move(1);
    } else if (inList && e.key === 'ArrowUp') {
      e.preventDefault();
      move(-1);
    } else if (e.target === list && e.key === 'Home') {
      e.preventDefault();
      move('home');
    } else if (e.target === list && e.key === 'End') {
      e.preventDefault();
      move('end');
    } else if (inList && e.key === 'Enter') {
      e.preventDefault();
      choose();
    }
  };
  document.addEventListener('keydown', onKey);
  filter.addEventListener('input', renderList);
  detailsBtn.addEventListener('click', () => {
    showDetails = !showDetails;
    renderDetails();
  });
  chooseBtn.addEventListener('click', choose);
  cancelBtn.addEventListener('click', cancel);

  const root = h(
    'section',
    { class: 'dialog', 'aria-labelledby': 'dialog-title' },
    header(state.title ?? t('pickerTitle')),
    h('label', { for: filter.id }, t('filterLabel')),
    filter,
    h('p', { id: helpId, class: 'muted small' }, t('pickerHelp')),
    list,
    h('div', { class: 'actions' }, chooseBtn, detailsBtn, cancelBtn),
    detailsPanel,
  );
  renderList();
  return {
    root,
    initialFocus: list,
    dispose: () => document.removeEventListener('keydown', onKey),
  };
}
