// The demo portal: an iGate-style dossier with "Ký số" → "Ký số Token", an e-invoice page and a hash page.
import type { KysoAgentClient, Token } from '../src/index.js';
import type * as Sdk from '../src/index.js';
import { formatLocalTime } from '../../agent/core/local-time.js';
import { currentLang, setLang, t } from './i18n.js';
import type { TextKey } from './i18n.js';
import { certificateKey, listPdfSignatures } from './pdf-signatures.js';
import type { PdfSignatureInfo } from './pdf-signatures.js';
import { placeSignature } from './placer.js';
import { SAMPLE_INVOICE } from './sample-invoice.js';

/** The single-file SDK (sdk/dist/kyso-agent.min.js) loaded by index.html: the demo proves that build works. */
const KysoAgent = (globalThis as unknown as { KysoAgent: typeof Sdk }).KysoAgent;
const MAX_BYTES = 6 * 1024 * 1024;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// Test and troubleshooting knobs: ?transport=http forces the POST /v1/rpc fallback; ?tls=&plain= pick ports.
const query = new URLSearchParams(location.search);
const portArg = (name: string): number | null | undefined => {
  const v = query.get(name);
  return v === null ? undefined : v === 'off' ? null : Number(v);
};
const connectOptions: Sdk.ConnectOptions = { transport: (query.get('transport') as 'auto' | 'ws' | 'http' | null) ?? 'auto', ports: {} };
if (portArg('tls') !== undefined) connectOptions.ports!.tls = portArg('tls')!;
if (portArg('plain') !== undefined) connectOptions.ports!.plain = portArg('plain')!;

interface Slot {
  id: string;
  title: TextKey;
  accept: string;
  file: { name: string; bytes: Uint8Array; kind: 'pdf' | 'xml' } | null;
  sigs: PdfSignatureInfo[];
}
const slots: Slot[] = [
  { id: 'application', title: 'slotApplication', accept: '.pdf,.xml,application/pdf,text/xml,application/xml', file: null, sigs: [] },
  { id: 'drawings', title: 'slotDrawings', accept: '.pdf,application/pdf', file: null, sigs: [] },
  { id: 'data', title: 'slotData', accept: '.xml,text/xml,application/xml', file: null, sigs: [] },
];

// ───────────── banner (states: absent, LNA denied, token absent, cancelled, ok) ─────────────

function banner(kind: 'info' | 'ok' | 'error', text: string, link?: { href: string; label: string }): void {
  const b = $('banner');
  b.className = `banner ${kind}`;
  b.textContent = text;
  b.dataset.kind = kind;
  if (link) {
    const a = document.createElement('a');
    a.href = link.href;
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = link.label;
    b.append(' ', a);
  }
  b.hidden = false;
}

function showError(err: unknown): void {
  const b = $('banner');
  if (err instanceof KysoAgent.UserCancelledError) {
    banner('info', t('cancelled'));
  } else if (err instanceof KysoAgent.AgentUnavailableError) {
    banner('error', KysoAgent.describeError(err, currentLang()), err.hint === 'notInstalled' ? { href: '/install', label: t('install') } : undefined);
  } else {
    banner('error', KysoAgent.describeError(err, currentLang()));
    if (!(err instanceof KysoAgent.KysoError)) console.error(err);
  }
  b.dataset.reason = err instanceof KysoAgent.KysoError ? err.reason : 'UNKNOWN';
  if (err instanceof KysoAgent.AgentUnavailableError) b.dataset.hint = err.hint;
}

// ───────────── agent connection (from a click) ─────────────

let client: KysoAgentClient | null = null;

/** Connects on first use (this runs inside the click handler: Chrome's Local Network Access prompt needs it). */
async function agent(): Promise<KysoAgentClient> {
  if (!client) {
    banner('info', t('connecting'));
    const c = await KysoAgent.connect(connectOptions);
    c.on('tokenschanged', (tokens: Token[]) => {
      if (tokens.length === 0) banner('error', t('noToken'));
    });
    client = c;
    $('banner').hidden = true;
  }
  await client.requestAccess();
  const tokens = await client.listTokens();
  if (tokens.length === 0) throw new KysoAgent.TokenNotPresentError('TOKEN_NOT_PRESENT', t('noToken'));
  document.body.dataset.transport = client.connection?.transport ?? '';
  return client;
}

// ───────────── dossier ─────────────

function fmtSize(n: number): string {
  return n > 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

function renderSlots(): void {
  const tbody = $('slots');
  tbody.replaceChildren();
  for (const slot of slots) {
    const tr = document.createElement('tr');
    tr.dataset.slot = slot.id;
    const title = document.createElement('td');
    title.textContent = t(slot.title);
    const fileTd = document.createElement('td');
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = slot.accept;
    input.onchange = () => void attach(slot, input.files?.[0]);
    const name = document.createElement('div');
    name.className = 'file-name';
    name.textContent = slot.file ? `${slot.file.name} (${fmtSize(slot.file.bytes.length)})` : t('noFile');
    fileTd.append(input, name);
    const sigTd = document.createElement('td');
    sigTd.className = 'sigs';
    if (slot.sigs.length === 0) sigTd.textContent = slot.file ? t('noSigs') : '';
    for (const s of slot.sigs) {
      const div = document.createElement('div');
      div.className = `sig ${s.valid ? 'ok' : 'bad'}`;
      // Local time with its zone, the same text as the PDF stamp and the agent's dialogs (agent/core/local-time.ts).
      const when = s.time ? formatLocalTime(new Date(s.time)) : '';
      div.textContent = `${t('signedBy')}: ${s.signer} — ${when} — ${s.valid ? t('valid') : t('invalid')}`;
      sigTd.append(div);
    }
    const actions = document.createElement('td');
    const sign = document.createElement('button');
    sign.type = 'button';
    sign.className = 'primary sign';
    sign.textContent = t('sign');
    sign.disabled = !slot.file;
    sign.onclick = (e) => openMenu(e.currentTarget as HTMLElement, slot);
    const dl = document.createElement('button');
    dl.type = 'button';
    dl.className = 'download';
    dl.textContent = t('download');
    dl.disabled = !slot.file;
    dl.onclick = () => slot.file && new KysoAgent.SignedData(slot.file.bytes, slot.file.kind === 'pdf' ? 'application/pdf' : 'application/xml').download(slot.file.name);
    actions.append(sign, ' ', dl);
    tr.append(title, fileTd, sigTd, actions);
    tbody.append(tr);
  }
}

async function attach(slot: Slot, file: File | undefined): Promise<void> {
  if (!file) return;
  if (file.size > MAX_BYTES) return banner('error', t('tooLarge'));
  const kind = /\.xml$/i.test(file.name) || file.type.includes('xml') ? 'xml' : /\.pdf$/i.test(file.name) || file.type === 'application/pdf' ? 'pdf' : null;
  if (!kind) return banner('error', t('wrongType'));
  const bytes = new Uint8Array(await file.arrayBuffer());
  slot.file = { name: file.name, bytes, kind };
  slot.sigs = kind === 'pdf' ? await listPdfSignatures(bytes) : [];
  $('banner').hidden = true;
  renderSlots();
}

function openMenu(anchor: HTMLElement, slot: Slot): void {
  const menu = $('menu');
  const r = anchor.getBoundingClientRect();
  Object.assign(menu.style, { left: `${r.left + window.scrollX}px`, top: `${r.bottom + window.scrollY + 4}px` });
  menu.hidden = false;
  const token = menu.querySelector<HTMLButtonElement>('[data-method=token]')!;
  token.onclick = () => {
    menu.hidden = true;
    void signSlot(slot);
  };
}
document.addEventListener('click', (e) => {
  if (!(e.target as HTMLElement).closest('#menu, button.sign')) $('menu').hidden = true;
});

async function signSlot(slot: Slot): Promise<void> {
  const file = slot.file;
  if (!file) return;
  try {
    const c = await agent();
    const cert = await c.selectCertificate({}, t('pickTitle'));
    let signed: Sdk.SignedData;
    if (file.kind === 'pdf') {
      const place = await placeSignature(file.bytes);
      if (!place) return banner('info', t('cancelled'));
      banner('info', t('signing'));
      signed = await c.signPdf({ certId: cert.certId, pdf: file.bytes, fileName: file.name, appearance: { page: place.page, rect: place.rect } });
    } else {
      banner('info', t('signing'));
      signed = await c.signXml({ certId: cert.certId, xml: file.bytes, profile: 'enveloped', fileName: file.name });
    }
    slot.file = { ...file, bytes: signed.bytes };
    slot.sigs = file.kind === 'pdf' ? await listPdfSignatures(signed.bytes) : [];
    renderSlots();
    banner('ok', t('signed'));
  } catch (err) {
    showError(err);
  }
}

// ───────────── e-invoice ─────────────

let signedInvoice: Sdk.SignedData | null = null;

async function signInvoice(): Promise<void> {
  try {
    const c = await agent();
    const cert = await c.selectCertificate({}, t('signInvoice'));
    banner('info', t('signing'));
    signedInvoice = await c.signXml({ certId: cert.certId, xml: $<HTMLTextAreaElement>('invoice-xml').value, profile: 'einvoice', fileName: 'hoa-don-123.xml' });
    $('invoice-out').textContent = signedInvoice.text();
    $('invoice-download').hidden = false;
    banner('ok', t('signed'));
  } catch (err) {
    showError(err);
  }
}

// ───────────── hash for server-side signing ─────────────

async function signHash(): Promise<void> {
  try {
    const c = await agent();
    const data = new TextEncoder().encode($<HTMLInputElement>('hash-data').value);
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', data)); // the "server" part
    const cert = await c.selectCertificate({}, t('signHash'));
    banner('info', t('signing'));
    const r = await c.signHash({ certId: cert.certId, hash, hashAlgorithm: 'SHA-256', label: $<HTMLInputElement>('hash-data').value.slice(0, 100) });
    const key = certificateKey(KysoAgent.fromBase64(r.certificate.der));
    let verified = false;
    if (key.rsa && r.scheme === 'PKCS1v15') {
      const k = await crypto.subtle.importKey('spki', key.spki as Uint8Array<ArrayBuffer>, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
      verified = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', k, r.signature.bytes as Uint8Array<ArrayBuffer>, data);
    }
    $('hash-out').textContent = [
      `SHA-256: ${KysoAgent.toHex(hash)}`,
      `${t('signedBy')}: ${key.commonName} (${r.scheme})`,
      `signature (base64): ${r.signature.toBase64()}`,
      verified ? t('verified') : t('notVerified'),
    ].join('\n');
    banner('ok', t('signed'));
  } catch (err) {
    showError(err);
  }
}

// ───────────── page wiring ─────────────

function showTab(): void {
  const tab = (location.hash || '#dossier').slice(1);
  for (const s of document.querySelectorAll<HTMLElement>('section.tab')) s.hidden = s.id !== `tab-${tab}`;
  for (const a of document.querySelectorAll<HTMLElement>('[data-tab]')) a.classList.toggle('active', a.dataset.tab === tab);
}

function applyLang(): void {
  setLang(currentLang());
  $('lang').textContent = currentLang() === 'vi' ? 'English' : 'Tiếng Việt';
  renderSlots();
}

$('lang').onclick = () => {
  setLang(currentLang() === 'vi' ? 'en' : 'vi');
  applyLang();
};
$('invoice-sign').onclick = () => void signInvoice();
$('invoice-download').onclick = () => signedInvoice?.download('hoa-don-123-da-ky.xml');
$<HTMLTextAreaElement>('invoice-xml').value = SAMPLE_INVOICE;
$('hash-sign').onclick = () => void signHash();
window.addEventListener('hashchange', showTab);
showTab();
applyLang();
document.body.dataset.ready = 'true';
