// Sign confirmation + PIN: who asks, what is signed (each batch item too), with which certificate; PIN / PIN-pad;
// retries; batch progress.
import type { Cert, SignSubject } from '../../agent/core/types.js';
import type { DialogState, Progress } from '../bridge.js';
import { armAfterFocus, h, uid } from '../dom.js';
import { formatSize, formatSizeShort, groupHex } from '../format.js';
import { getLang, t, type MessageKey } from '../i18n.js';
import { stampBlock } from './stamp.js';
import { certSummary, facts, header, type Page, type PageContext } from './common.js';

type ConfirmState = Extract<DialogState, { page: 'confirm' }>;

/** How long the Sign button stays disabled after the dialog gains focus (docs/security.md T1). */
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
type DocSubject = Extract<SignSubject, { kind: 'document' }>;

const PROFILE_TEXT: Record<string, MessageKey> = { einvoice: 'profileEinvoice', tax: 'profileTax', enveloped: 'profileEnveloped' };

/** "XML — Hóa đơn điện tử" rather than the protocol's profile word. */
function formatName(d: Pick<DocSubject, 'format' | 'profile' | 'officeKind'>): string {
  const name = d.format === 'office' && d.officeKind ? d.officeKind.toUpperCase() : d.format.toUpperCase();
  const key = d.profile ? PROFILE_TEXT[d.profile] : undefined;
  return key ? `${name} — ${t(key)}` : d.profile ? `${name} (${d.profile})` : name;
}

/** The document's name, or a plain "the site gave no name" instead of a placeholder like data.bin. */
function fileLabel(d: DocSubject): HTMLElement {
  return d.unnamed ? h('em', { class: 'muted', 'data-testid': 'unnamed' }, t('unnamedFile')) : h('strong', { class: 'file-name' }, d.fileName);
}

/** The signature's digest algorithm; SHA-1 marked as legacy. */
function algorithmText(algorithm: string): Array<string | HTMLElement> {
  return algorithm === 'SHA-1' ? [algorithm, h('span', { class: 'badge bad', 'data-testid': 'sha1-legacy' }, t('sha1Legacy'))] : [algorithm];
}

/** Loads the PDF of batch item `index` for its rendered preview; undefined: this host offers none. */
type ItemDocuments = ((index: number) => Promise<ArrayBuffer | null>) | undefined;

/** One batch item: a document by name, format, size and SHA-256 prefix, or a hash clearly marked as such. */
function batchItem(item: ItemSubject, index: number, certificate: Cert, documents: ItemDocuments): HTMLElement {
  if (item.kind === 'hash') {
    return h(
      'li',
      { class: 'batch-item hash-item', 'data-testid': 'batch-item', 'data-kind': 'hash' },
      h('span', { class: 'badge bad' }, t('batchHashBadge')),
      // The label is the site's own words (it could name any file): quoted, never styled like a file name.
      item.label ? h('span', { class: 'item-label' }, ` “${item.label}”`) : null,
      h('div', { class: 'muted small' }, ...algorithmText(item.hashAlgorithm), ' ', h('code', {}, `${groupHex(item.hashHex.slice(0, 16))} …`)),
    );
  }
  return h(
    'li',
    { class: 'batch-item', 'data-testid': 'batch-item', 'data-kind': 'document' },
    fileLabel(item),
    h(
      'div',
      { class: 'muted small' },
      `${formatName(item)} · ${formatSizeShort(item.size)} · SHA-256 `,
      h('code', {}, `${groupHex(item.sha256Hex.slice(0, 16))} …`),
      ...(item.hashAlgorithm ? [` · ${t('signatureHash')}: `, ...algorithmText(item.hashAlgorithm)] : []),
    ),
    // A PDF item's stamp and text boxes, with their warnings, as for one sign.pdf (docs/security.md T24); its pages
    // rendered with the stamp when the user opens them (one document at a time, not the whole batch up front).
    item.stamp ? stampBlock(item.stamp, certificate, documents ? () => documents(index) : undefined, true) : null,
  );
}

/** What a batch item is found by in the search box. */
function itemText(item: ItemSubject): string {
  return (item.kind === 'hash' ? `${item.label ?? ''} ${item.hashHex}` : `${item.fileName} ${item.format} ${item.sha256Hex}`).toLocaleLowerCase();
}

/** Every item a batch signs, in a scrollable, searchable list (with a hash-only warning counted over all of them). */
function batchItems(items: ItemSubject[], certificate: Cert, documents: ItemDocuments): HTMLElement {
  const headingId = uid('batchitems');
  const searchId = uid('batchsearch');
  const hashes = items.filter((i) => i.kind === 'hash').length;
  const rows = items.map((item, i) => batchItem(item, i, certificate, documents));
  const texts = items.map(itemText);
  const shown = h('p', { class: 'muted small', role: 'status', 'data-testid': 'batch-shown' });
  const search = h('input', { type: 'search', id: searchId, autocomplete: 'off', 'data-testid': 'batch-search' });
  const apply = () => {
    const q = search.value.trim().toLocaleLowerCase();
    let n = 0;
    rows.forEach((row, i) => {
      const hit = !q || texts[i]!.includes(q);
      row.hidden = !hit;
      if (hit) n++;
    });
    shown.textContent = q ? t('batchShown', { shown: n, count: items.length }) : '';
  };
  search.addEventListener('input', apply);
  return h(
    'div',
    {},
    hashes > 0 ? h('p', { class: 'warning', 'data-testid': 'batch-hash-warning' }, t('batchHashWarning', { count: hashes })) : null,
    h('p', { class: 'label', id: headingId }, t('batchItems', { count: items.length })),
    items.length > 5 ? h('label', { for: searchId, class: 'small' }, t('batchSearch')) : null,
    items.length > 5 ? search : null,
    shown,
    // Focusable so the list scrolls with the keyboard; labelled so a screen reader announces what it is.
    h('div', { class: 'batch-list', role: 'region', tabindex: 0, 'aria-labelledby': headingId, 'data-testid': 'batch-items' }, h('ol', {}, ...rows)),
  );
}

function subjectBlock(subject: SignSubject, certificate: Cert, documents: ItemDocuments): HTMLElement {
  if (subject.kind === 'hash') {
    return h(
      'div',
      { 'data-testid': 'subject-hash' },
      subject.label ? facts([[t('label'), subject.label]]) : null,
      h('p', { class: 'label' }, t('hashTitle', { algorithm: subject.hashAlgorithm }), subject.hashAlgorithm === 'SHA-1' ? algorithmText('SHA-1')[1]! : null),
      h('code', { class: 'hash-full', 'data-testid': 'hash-hex' }, groupHex(subject.hashHex)),
      h('p', { class: 'warning' }, t('hashWarning')),
    );
  }
  if (subject.kind === 'batch') {
    return h(
      'div',
      { 'data-testid': 'subject-batch' },
      // The count is in the page title: not repeated here.
      facts([
        [t('label'), subject.label],
        [t('batchKinds'), [...new Set(subject.kinds)].map((k) => k.toUpperCase()).join(', ')],
      ]),
      subject.items && subject.items.length > 0 ? batchItems(subject.items, certificate, documents) : null,
    );
  }
  const pdf = subject.format === 'pdf';
  const office = subject.format === 'office';
  return h(
    'div',
    { 'data-testid': 'subject-document' },
    facts([
      [t('fileName'), fileLabel(subject)],
      [t('format'), formatName(subject)],
      [t('fileSize'), formatSize(subject.size)],
      [t('sha256'), shaBlock(subject.sha256Hex)],
      subject.hashAlgorithm ? [t('signatureHash'), h('span', { 'data-testid': 'signature-hash' }, ...algorithmText(subject.hashAlgorithm))] : null,
      pdf && subject.pageCount !== undefined ? [t('pageCount'), String(subject.pageCount)] : null,
      (pdf || office) && subject.existingSignatures !== undefined
        ? [t('existingSignatures'), subject.existingSignatures === 0 ? t('noExistingSignatures') : String(subject.existingSignatures)]
        : null,
      pdf && subject.repaired ? [t('repaired'), h('strong', { 'data-testid': 'repaired' }, subject.repaired)] : null,
    ]),
    // What an invoice or tax declaration says: the facts the user signs.
    subject.summary && subject.summary.facts.length > 0
      ? h('div', { class: 'summary', 'data-testid': 'document-summary' }, facts(subject.summary.facts.map((f) => [f.label, f.value])))
      : null,
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
  const getDocument = ctx.bridge.getDocument?.bind(ctx.bridge);
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
    h('h2', {}, t('whatIsSigned')),
    subjectBlock(state.subject, state.certificate, getDocument ? (i) => getDocument(i) : undefined),
    state.subject.kind === 'document' && state.subject.stamp ? stampBlock(state.subject.stamp, state.certificate, getDocument ? () => getDocument() : undefined) : null,
    state.legacyHash === 'warn' ? h('p', { class: 'warning', 'data-testid': 'sha1-warning' }, t('sha1Warning')) : null,
    // Facts other parts of the agent add (invoice totals, revocation status…): label in the user's language.
    state.facts && state.facts.length > 0
      ? h('dl', { class: 'facts', 'data-testid': 'extra-facts' }, ...state.facts.flatMap((f) => [h('dt', {}, getLang() === 'vi' ? f.label.vi : f.label.en), h('dd', f.tone === 'warning' ? { class: 'warning' } : {}, f.value)]))
      : null,
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
