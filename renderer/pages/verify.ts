// "Kiểm tra chữ ký": the user picks or drops a signed file, the agent checks it on this machine and the page shows
// the report it rendered (verdict first, then each signature's facts). docs/trust.md "Verification".
import type { DialogState, RenderedReport, ReportRow, VerifyView } from '../bridge.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { header, type Page, type PageContext } from './common.js';

type VerifyState = Extract<DialogState, { page: 'verify' }>;

/** The agent takes 48 MiB of answer body (base64 of 36 MiB): bigger files go to the CLI. */
const MAX_FILE_MB = 36;

function rows(list: ReportRow[]): HTMLDListElement {
  const dl = h('dl', { class: 'facts' });
  for (const r of list) dl.append(h('dt', {}, r.label), h('dd', { class: `tone-${r.tone}` }, r.value));
  return dl;
}

function reportView(r: RenderedReport): HTMLElement {
  return h(
    'div',
    { 'data-testid': 'report' },
    h('p', { class: `verdict verdict-${r.verdict}`, 'data-testid': 'verdict', 'data-verdict': r.verdict }, r.verdictWord),
    h('p', { 'data-testid': 'reason' }, r.reasonText),
    rows(r.rows),
    r.notice ? h('p', { class: 'warning', 'data-testid': 'notice' }, r.notice) : null,
    ...r.signatures.map((s) =>
      h('section', { class: 'signature', 'data-testid': 'signature' }, h('h2', {}, s.title), h('p', { class: `verdict-line tone-${s.verdict === 'valid' ? 'ok' : s.verdict === 'invalid' ? 'bad' : 'warn'}` }, s.conclusion), rows(s.rows))),
  );
}

export function verifyPage(state: VerifyState, ctx: PageContext): Page {
  const result = h('div', { 'aria-live': 'polite', 'data-testid': 'verify-result' });
  const input = h('input', { type: 'file', id: 'verify-file', 'data-testid': 'file', accept: '.pdf,.xml,.p7s,.p7m,.p7b,.cms,.docx,.xlsx,.pptx,.docm,.xlsm,.pptm' });
  const drop = h('div', { class: 'drop', 'data-testid': 'drop' }, h('p', {}, t('verifyDrop')), h('p', {}, h('label', { for: 'verify-file' }, t('verifyPick')), ' ', input));

  const show = (v: VerifyView) => {
    if (v.phase === 'working') result.replaceChildren(h('p', { role: 'status' }, t('verifyWorking', { name: v.fileName ?? '' })));
    else if (v.report) result.replaceChildren(h('h2', {}, t('verifyResult')), h('p', { class: 'muted' }, v.fileName ?? ''), reportView(v.report));
    else if (v.error) result.replaceChildren(h('p', { class: 'error', role: 'alert', 'data-testid': 'verify-error' }, t('verifyFailed', { reason: v.error.reason, detail: v.error.detail })));
    else result.replaceChildren();
  };

  const send = async (file: File) => {
    if (file.size > MAX_FILE_MB * 1024 * 1024) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('verifyTooLarge', { mb: MAX_FILE_MB })));
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    show({ phase: 'working', fileName: file.name });
    await ctx.send({ page: 'verify', fileName: file.name.slice(0, 255), document: btoa(bin) }, { stay: true });
  };

  input.addEventListener('change', () => {
    const f = input.files?.[0];
    if (f) void send(f);
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void send(f);
  });

  const root = h(
    'section',
    { class: 'dialog wide', 'aria-labelledby': 'dialog-title' },
    header(t('verifyTitle')),
    h('p', {}, t('verifyIntro')),
    drop,
    result,
    h('div', { class: 'actions' }, h('button', { type: 'button', 'data-testid': 'close', onclick: () => ctx.dismiss() }, t('close'))),
  );
  show(state.verify);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') ctx.dismiss();
  };
  document.addEventListener('keydown', onKey);
  return {
    root,
    initialFocus: input,
    update(next) {
      if (next.page !== 'verify') return false;
      show(next.verify);
      return true;
    },
    dispose: () => document.removeEventListener('keydown', onKey),
  };
}
