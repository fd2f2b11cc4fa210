// Diagnostics "Kiểm tra hệ thống": modules, tokens, certificates, ports, CA trust, policy; "copy report" (no secrets).
import type { DialogState, DiagnosticsReport } from '../bridge.js';
import { h } from '../dom.js';
import { formatDate, formatDateTime } from '../format.js';
import { t, type MessageKey } from '../i18n.js';
import { facts, header, type Page, type PageContext } from './common.js';

type DiagState = Extract<DialogState, { page: 'diagnostics' }>;

const MODULE_STATUS: Record<DiagnosticsReport['modules'][number]['status'], MessageKey> = {
  loaded: 'moduleLoaded', failed: 'moduleFailed', refused: 'moduleRefused', notFound: 'moduleNotFound',
};

/**
 * The plain-text report the "copy" button puts on the clipboard. Built only from the fields listed here:
 * no PIN ever reaches this page, and certificate bodies (der) are not part of the report type.
 */
export function reportText(r: DiagnosticsReport): string {
  const lines: string[] = [`kyso-agent ${r.version} — ${r.platform} — ${formatDateTime(r.generatedAt)}`, '', `[${t('modules')}]`];
  for (const m of r.modules) lines.push(`- ${m.name} (${m.source}): ${m.status}${m.reason ? ` — ${m.reason}` : ''} — ${m.path}${m.slotCount !== undefined ? ` — ${m.slotCount} slots` : ''}`);
  lines.push('', `[${t('tokens')}]`);
  for (const tk of r.tokens) lines.push(`- ${tk.label} (${tk.manufacturer} ${tk.model}, ${tk.moduleName}) pin=${tk.pinStatus}${tk.pinpad ? ' pinpad' : ''}`);
  lines.push('', `[${t('certificates')}]`);
  for (const c of r.certificates) lines.push(`- ${c.subject.commonName} / ${c.issuer.commonName} ${c.notBefore}..${c.notAfter} ${c.status} sha256=${c.thumbprintSha256}`);
  lines.push('', `[${t('ports')}]`, `tls=${r.ports.tls ?? '-'} plain=${r.ports.plain ?? '-'} vnpt=${r.ports.vnpt ?? '-'}`, '', `[${t('caTrust')}]`);
  for (const s of r.caTrust) lines.push(`- ${s.store}: ${s.status}${s.detail ? ` — ${s.detail}` : ''}`);
  lines.push('', `[${t('policy')}]`, `source=${r.policy.source ?? '-'} valid=${r.policy.valid}${r.policy.error ? ` error=${r.policy.error}` : ''}`);
  for (const [k, v] of Object.entries(r.policy.settings)) lines.push(`${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  return lines.join('\n');
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function diagnosticsPage(state: DiagState, ctx: PageContext): Page {
  const r = state.report;
  const portText = (p: number | null) => (p === null ? t('portOff') : String(p));
  const text = reportText(r);
  const pre = h('pre', { class: 'report', tabindex: 0, 'data-testid': 'report-text', hidden: true }, text);
  const status = h('p', { role: 'status', class: 'status', 'data-testid': 'copy-status' });
  const copyBtn = h('button', { type: 'button', class: 'primary', 'data-testid': 'copy' }, t('copyReport'));
  copyBtn.addEventListener('click', () =>
    void copy(text).then((ok) => {
      status.textContent = ok ? t('copied') : t('copyFailed');
      pre.hidden = false;
    }),
  );
  const modules = h('ul', { class: 'plain' });
  for (const m of r.modules) {
    modules.append(h('li', { class: m.status === 'loaded' ? 'ok' : 'bad' }, h('strong', {}, m.name), ` — ${t(MODULE_STATUS[m.status])}`, m.slotCount !== undefined ? ` (${t('slots', { count: m.slotCount })})` : '', m.reason ? `: ${m.reason}` : '', h('div', { class: 'muted small path' }, m.path)));
  }
  const tokens = h('ul', { class: 'plain' });
  for (const tk of r.tokens) tokens.append(h('li', {}, h('strong', {}, tk.label), ` — ${tk.manufacturer} ${tk.model} (${tk.moduleName})`));
  const certs = h('ul', { class: 'plain' });
  for (const c of r.certificates) certs.append(h('li', { class: c.status === 'valid' ? '' : 'bad' }, h('strong', {}, c.subject.commonName), ` — ${c.issuer.commonName}, ${formatDate(c.notAfter)}`, c.status === 'expired' ? ` (${t('expired')})` : c.status === 'notYetValid' ? ` (${t('notYetValid')})` : ''));
  const trust = h('ul', { class: 'plain' });
  for (const s of r.caTrust) trust.append(h('li', { class: s.status === 'trusted' ? 'ok' : 'bad' }, `${s.store}: ${t(s.status)}`, s.detail ? ` — ${s.detail}` : ''));
  const policyRows = Object.entries(r.policy.settings).map(([k, v]): [string, string] => [k, v === null ? '—' : Array.isArray(v) ? v.join(', ') || '—' : String(v)]);

  const root = h(
    'section',
    { class: 'dialog wide', 'aria-labelledby': 'dialog-title' },
    header(t('diagTitle')),
    facts([[t('version'), r.version], [t('platform'), r.platform]]),
    h('div', { class: 'actions' }, copyBtn, h('button', { type: 'button', 'data-testid': 'close', onclick: () => ctx.dismiss() }, t('close'))),
    status,
    pre,
    h('h2', {}, t('modules')),
    r.modules.length ? modules : h('p', { class: 'muted' }, t('none')),
    h('h2', {}, t('tokens')),
    r.tokens.length ? tokens : h('p', { class: 'muted' }, t('noTokens')),
    h('h2', {}, t('certificates')),
    r.certificates.length ? certs : h('p', { class: 'muted' }, t('none')),
    h('h2', {}, t('ports')),
    facts([['TLS', portText(r.ports.tls)], ['HTTP (dev)', portText(r.ports.plain)], ['VNPT-CA Plugin', portText(r.ports.vnpt)]]),
    h('h2', {}, t('caTrust')),
    trust,
    h('h2', {}, t('policy')),
    r.policy.source === null ? h('p', {}, t('policyNone')) : h('p', {}, r.policy.source),
    r.policy.valid ? null : h('p', { class: 'warning' }, t('policyInvalid', { error: r.policy.error ?? '' })),
    facts(policyRows),
  );
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') ctx.dismiss();
  };
  document.addEventListener('keydown', onKey);
  return { root, initialFocus: copyBtn, dispose: () => document.removeEventListener('keydown', onKey) };
}
