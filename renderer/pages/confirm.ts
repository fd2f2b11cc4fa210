// Sign confirmation + PIN: who asks, what is signed (each batch item too), with which certificate; PIN / PIN-pad;
// retries; batch progress.
import type { SignSubject } from '../../agent/core/types.js';
import type { DialogState, Progress } from '../bridge.js';
import { armAfterFocus, h, uid } from '../dom.js';
import { formatSize, formatSizeShort, groupHex } from '../format.js';
import { t } from '../i18n.js';
import { certSummary, facts, header, originBlock, type Page, type PageContext } from './common.js';

type ConfirmState = Extract<DialogState, { page: 'confirm' }>;

/** How long the Sign button stays disabled after the dialog gains focus (THREATS T1). */
export const SIGN_ARM_MS = 800;

function shaBlock(hex: string): HTMLElement {
  const full = groupHex(hex);
  const short = `${groupHex(hex.slice(0, 16))} …`;
  const code = h('code', { 'data-testid': 'sha256' }, short);
  const btn = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'data-testid': 'sha-toggle' }, t('showFull'));
  btn.addEventListener('click', () => {
    const open = btn.getAttribute('aria-expanded') !== 'true';
    code.textContent = open ? full : short;
    btn.textContent = open ? t('hideFull') : t('showFull');
    btn.setAttribute('aria-expanded', String(open));
  });
  return h('span', { class: 'hash' }, code, ' ', btn);
}

type ItemSubject = Exclude<SignSubject, { kind: 'batch' }>;

/** How many batch items are drawn; the rest are counted ("and K more") so a huge batch stays a light page. */
export const BATCH_LIST_MAX = 50;

/** One batch item: a document by name, format, size and SHA-256 prefix, or a hash clearly marked as such. */
function batchItem(item: ItemSubject): HTMLElement {
  if (item.kind === 'hash') {
    return h(
      'li',
      { class: 'batch-item hash-item', 'data-testid': 'batch-item', 'data-kind': 'hash' },
      h('span', { class: 'badge bad' }, t('batchHashBadge')),
      // The label is the site's own words (it could name any file): quoted, never styled like a file name.
      item.label ? h('span', { class: 'item-label' }, ` “${item.label}”`) : null,
      h('div', { class: 'muted small' }, `${item.hashAlgorithm} `, h('code', {}, `${groupHex(item.hashHex.slice(0, 16))} …`)),
    );
  }
  const format = item.profile ? `${item.format.toUpperCase()} (${item.profile})` : item.format.toUpperCase();
  return h(
    'li',
    { class: 'batch-item', 'data-testid': 'batch-item', 'data-kind': 'document' },
    h('strong', { class: 'file-name' }, item.fileName),
    h('div', { class: 'muted small' }, `${format} · ${formatSizeShort(item.size)} · SHA-256 `, h('code', {}, `${groupHex(item.sha256Hex.slice(0, 16))} …`)),
  );
}

/** The scrollable list of what a batch signs: the first BATCH_LIST_MAX items, a count of the rest, a hash warning. */
function batchItems(items: ItemSubject[]): HTMLElement {
  const headingId = uid('batchitems');
  const hashes = items.filter((i) => i.kind === 'hash').length;
  const rest = items.length - BATCH_LIST_MAX;
  return h(
    'div',
    {},
    hashes > 0 ? h('p', { class: 'warning', 'data-testid': 'batch-hash-warning' }, t('batchHashWarning', { count: hashes })) : null,
    h('p', { class: 'label', id: headingId }, t('batchItems')),
    // Focusable so the list scrolls with the keyboard; labelled so a screen reader announces what it is.
    h(
      'div',
      { class: 'batch-list', role: 'region', tabindex: 0, 'aria-labelledby': headingId, 'data-testid': 'batch-items' },
      h('ol', {}, ...items.slice(0, BATCH_LIST_MAX).map(batchItem)),
      rest > 0 ? h('p', { class: 'more', 'data-testid': 'batch-more' }, t('batchMore', { count: rest })) : null,
    ),
  );
}

function subjectBlock(subject: SignSubject): HTMLElement {
  if (subject.kind === 'hash') {
    return h(
      'div',
      { 'data-testid': 'subject-hash' },
      subject.label ? facts([[t('label'), subject.label]]) : null,
      h('p', { class: 'label' }, t('hashTitle', { algorithm: subject.hashAlgorithm })),
      h('code', { class: 'hash-full', 'data-testid': 'hash-hex' }, groupHex(subject.hashHex)),
      h('p', { class: 'warning' }, t('hashWarning')),
    );
  }
  if (subject.kind === 'batch') {
    return h(
      'div',
      { 'data-testid': 'subject-batch' },
      h('p', { class: 'label' }, t('batchTitle', { count: subject.count })),
      facts([
        [t('label'), subject.label],
        [t('batchKinds'), [...new Set(subject.kinds)].map((k) => k.toUpperCase()).join(', ')],
      ]),
      subject.items && subject.items.length > 0 ? batchItems(subject.items) : null,
    );
  }
  const pdf = subject.format === 'pdf';
  const office = subject.format === 'office';
  const formatLabel = office && subject.officeKind ? subject.officeKind.toUpperCase() : subject.format.toUpperCase();
  return h(
    'div',
    { 'data-testid': 'subject-document' },
    facts([
      [t('fileName'), h('strong', { class: 'file-name' }, subject.fileName)],
      [t('format'), subject.profile ? `${formatLabel} (${subject.profile})` : formatLabel],
      [t('fileSize'), formatSize(subject.size)],
      [t('sha256'), shaBlock(subject.sha256Hex)],
      pdf && subject.pageCount !== undefined ? [t('pageCount'), String(subject.pageCount)] : null,
      (pdf || office) && subject.existingSignatures !== undefined
        ? [t('existingSignatures'), subject.existingSignatures === 0 ? t('noExistingSignatures') : String(subject.existingSignatures)]
        : null,
    ]),
    // A .docx's first lines: the user sees which document it is, not only its name and hash.
    subject.preview && subject.preview.length > 0
      ? h('div', { class: 'preview', 'data-testid': 'document-preview' }, h('p', { class: 'label' }, t('documentPreview')), h('blockquote', {}, ...subject.preview.map((line) => h('p', {}, line))))
      : null,
  );
}

function progressBlock(): { root: HTMLElement; set(p: Progress | undefined, working: boolean, pinpad: boolean): void } {
  const id = uid('progress');
  const text = h('p', { id, class: 'status', role: 'status', 'data-testid': 'status' });
  const bar = h('progress', { 'aria-labelledby': id, 'data-testid': 'progress', hidden: true });
  const root = h('div', { class: 'progress-block', hidden: true }, text, bar);
  return {
    root,
    set(p, working, pinpad) {
      root.hidden = !working && !p;
      bar.hidden = !p;
      if (p) {
        bar.max = Math.max(p.total, 1);
        bar.value = p.done;
      }
      text.textContent = p ? t('progress', { done: p.done, total: p.total }) : working ? (pinpad ? t('workingPinPad') : t('working')) : '';
    },
  };
}

export function confirmPage(state: ConfirmState, ctx: PageContext): Page {
  const { pin } = state;
  const locked = pin.pinStatus === 'locked';
  const needPinField = pin.required && !pin.pinpad && !locked;
  const pinErrId = uid('pinerr');
  const pinHelpId = uid('pinhelp');
  const pinInput = needPinField
    ? h('input', { type: 'password', id: uid('pin'), name: 'pin', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', 'aria-describedby': `${pinHelpId} ${pinErrId}`, 'data-testid': 'pin', required: true })
    : null;
  const pinError = h('p', { id: pinErrId, class: 'error', role: 'alert', 'data-testid': 'pin-error' });
  if (pin.previousError) pinError.textContent = pin.previousError === 'PIN_LENGTH_INVALID' ? t('pinLengthInvalid') : t('pinIncorrect');
  const finalTry = pin.required && pin.pinStatus === 'finalTry' ? h('input', { type: 'checkbox', id: uid('final'), 'data-testid': 'final-try-ack' }) : null;

  const signBtn = h('button', { type: 'submit', class: 'primary', 'data-testid': 'sign' }, t('sign'));
  const cancelBtn = h('button', { type: 'button', 'data-testid': 'cancel' }, locked ? t('close') : t('cancel'));
  const prog = progressBlock();
  let phase = state.phase;
  const arm = armAfterFocus([signBtn], SIGN_ARM_MS, () => phase === 'ask' && !locked && (!finalTry || finalTry.checked));
  finalTry?.addEventListener('change', arm.refresh);

  const pinArea = h('div', { class: 'pin-area' });
  if (locked) {
    pinArea.append(
      h('p', { class: 'error', role: 'alert', 'data-testid': 'pin-locked' }, t('pinLocked'), ' ', t('pinLockedContact', { issuer: state.certificate.issuer.commonName })),
    );
  } else if (pin.required && pin.pinpad) {
    pinArea.append(h('p', { class: 'pinpad', 'data-testid': 'pinpad-hint' }, h('strong', {}, t('pinPadHint'))), h('p', { class: 'muted' }, t('pinPadExplain')));
  } else if (pinInput) {
    pinArea.append(h('label', { for: pinInput.id }, t('pinLabel')), pinInput, h('p', { id: pinHelpId, class: 'muted small' }, t('pinHelp')));
  }
  if (!locked && pin.required && pin.pinStatus === 'countLow') pinArea.append(h('p', { class: 'warning', 'data-testid': 'pin-count-low' }, t('pinCountLow')));
  if (!locked && pin.required && pin.pinStatus === 'finalTry' && finalTry) {
    pinArea.append(
      h('p', { class: 'warning', 'data-testid': 'pin-final-try' }, t('pinFinalTry')),
      h('p', { class: 'check' }, finalTry, ' ', h('label', { for: finalTry.id }, t('pinFinalTryConfirm'))),
    );
  }
  pinArea.append(pinError);

  const form = h(
    'form',
    { class: 'dialog', 'aria-labelledby': 'dialog-title', autocomplete: 'off', novalidate: true },
    header(state.subject.kind === 'batch' ? t('batchTitle', { count: state.subject.count }) : t('confirmTitle')),
    h('h2', {}, t('confirmFrom')),
    originBlock(state.origin),
    h('h2', {}, t('whatIsSigned')),
    subjectBlock(state.subject),
    h('h2', {}, t('certificate')),
    certSummary(state.certificate),
    state.certificateStatus
      ? h('p', { class: 'warning', role: 'alert', 'data-testid': 'status-unknown' }, t('statusUnknown'), h('span', { class: 'muted small' }, ` (${state.certificateStatus.detail})`))
      : null,
    pinArea,
    prog.root,
    h('div', { class: 'actions' }, locked ? null : signBtn, cancelBtn),
  );

  const setPhase = (p: 'ask' | 'working', progress?: Progress) => {
    phase = p;
    if (pinInput) pinInput.disabled = p === 'working';
    if (finalTry) finalTry.disabled = p === 'working';
    cancelBtn.disabled = p === 'working';
    arm.refresh();
    prog.set(progress, p === 'working', pin.pinpad);
  };

  const cancel = () => void ctx.send({ page: 'confirm', round: state.round, approved: false });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (phase !== 'ask' || !arm.armed()) return;
    if (pinInput && pinInput.value.length === 0) {
      pinError.textContent = t('pinRequired');
      pinInput.focus();
      return;
    }
    const value = pinInput?.value;
    if (pinInput) pinInput.value = '';
    setPhase('working');
    void ctx.send({ page: 'confirm', round: state.round, approved: true, ...(value !== undefined ? { pin: value } : {}) }, { stay: true }).then((ok) => {
      if (!ok) setPhase('ask');
    });
  });
  cancelBtn.addEventListener('click', cancel);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && phase === 'ask') {
      e.preventDefault();
      cancel();
    }
  };
  document.addEventListener('keydown', onKey);
  setPhase(state.phase, state.progress);

  return {
    root: form,
    initialFocus: pinInput ?? undefined,
    update(next) {
      if (next.page !== 'confirm' || next.round !== state.round) return false;
      setPhase(next.phase, next.progress);
      return true;
    },
    dispose() {
      arm.dispose();
      document.removeEventListener('keydown', onKey);
    },
  };
}
