// The UserPrompt state machine shared by the browser host and the Electron shell. One window (tab) per site's
// request: allow → pick → confirm move through the same window, which then says how it ended and lingers a while so
// the site's next question appears in it instead of a new tab (docs/architecture.md "Dialogs"). Each question's
// lifetime is tied to its ctx.signal, with a timeout, re-use of the confirmation after a wrong PIN, and batch progress.
import { randomBytes } from 'node:crypto';
import { AgentError, isAgentError, UI_UNAVAILABLE_MESSAGE } from '../core/errors.js';
import type { AccessDecision, ConfirmPreview, ConfirmRequest, ConfirmResult, Lang, Logger, PromptContext, PromptOutcome, UserPrompt } from '../core/ports.js';
import type { Cert } from '../core/types.js';
import type { AboutInfo, DialogAnswer, DialogState, DiagnosticsReport, EndOutcome, PageKind, PanelPage, SettingsAction, SettingsView, TokenLabel } from '../core/ui-contract.js';
import type { RenderedReport } from '../core/verify/render.js';

/** Where the non-question pages (tray menu / `kyso-agent` links) get their data and apply their actions. */
export interface PanelProvider {
  settings(): Promise<SettingsView>;
  applySettings(action: SettingsAction): Promise<void>;
  diagnostics(): Promise<DiagnosticsReport>;
  about(): Promise<AboutInfo>;
  /** The verification report of a file dropped on the verify page, in `lang` (absent: the page is not offered). */
  verify?(input: { document: Uint8Array; fileName: string }, lang: Lang): Promise<RenderedReport>;
}

/** One open dialog as a host sees it. `id` is the 32-byte base64url capability (the URL token in the browser host). */
export interface Dialog {
  readonly id: string;
  /** The page shown now; changes as one request's window moves from step to step. */
  page: PageKind;
  state: DialogState;
  /**
   * The PDF(s) the confirmation previews (ConfirmRequest.preview); never in `state`. Held only while the confirmation
   * asks: dropped when it is answered or ends, so a window lingering on its last words keeps no document.
   */
  preview?: ConfirmPreview | undefined;
}

/** A batch item index in a document request: small, decimal, no sign or leading zero. */
const ITEM_RE = /^(0|[1-9][0-9]{0,5})$/;

/** Parses the item part of a page's document request ('' or undefined: the one document of a sign.pdf). */
export function previewItem(raw: unknown): number | undefined | null {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 0 && raw < 1_000_000 ? raw : null;
  return typeof raw === 'string' && ITEM_RE.test(raw) ? Number(raw) : null;
}

/**
 * The PDF a dialog's own page may render now (docs/security.md T24): the one document of a sign.pdf (`item`
 * undefined) or batch item `item`; undefined when there is none or the confirmation is not asking. Every host
 * (the browser's /ui/<id>/document route, Electron's IPC) answers through this, so they serve the same bytes.
 */
export function previewDocument(dialog: Dialog, item: number | undefined): Uint8Array | undefined {
  const p = dialog.preview;
  if (!p || dialog.state.page !== 'confirm' || dialog.state.phase !== 'ask') return undefined;
  if ('pdf' in p) return item === undefined ? p.pdf : undefined;
  return item === undefined ? undefined : p.items[item];
}

/** How a host puts dialogs in front of the user. */
export interface DialogPresenter {
  /** Make the dialog visible (open a URL, create a window). A rejection cancels the question. */
  show(dialog: Dialog): Promise<void> | void;
  /** The state changed (hosts that push, like Electron; the browser host's pages poll instead). */
  update(dialog: Dialog): void;
  /** The dialog ended for any reason: close what shows it. */
  close(dialog: Dialog): void;
  /** The window was re-used for the site's next question: bring it to the front where the host can. */
  reveal?(dialog: Dialog): void;
}

export interface DialogPromptOptions {
  presenter: DialogPresenter;
  logger: Logger;
  /** Language of panels (prompts use ctx.lang). */
  lang: Lang | (() => Lang);
  /** USER_TIMEOUT after this long without an answer. */
  dialogTimeoutMs: number;
  /** Silence after the page's first contact that counts as "the page is gone" (browser host). Off when undefined. */
  heartbeatTimeoutMs?: number;
  /** Panels (settings…) close after this idle time. Default 30 minutes. */
  panelTimeoutMs?: number;
  tokenLabels?: () => Promise<TokenLabel[]>;
  panels?: PanelProvider;
  /** How long a request's window stays open on its last words, ready for the site's next question. Default 10 min. */
  lingerMs?: number;
  /** No window could be shown (the caller got UI_UNAVAILABLE): e.g. one terminal line in --dev. */
  onUnavailable?: (detail: string) => void;
}

/** Why a host refuses an answer: `status` maps to HTTP / IPC errors; nothing about the dialog leaks in it. */
export class AnswerRejected extends Error {
  constructor(readonly status: 400 | 404 | 409) {
    super(`answer rejected (${status})`);
  }
}

interface Entry extends Dialog {
  /** The question being asked now; undefined while the window rests on its last words. */
  ctx?: PromptContext;
  /** The site this window speaks for, fixed for its life: a window is never re-used for another origin. */
  origin?: string;
  /** The presenter showed it (and, with heartbeats, the page has polled): it may take the site's next question. */
  shown: boolean;
  touched: boolean;
  /** When the page last polled (browser host): only a page that is still polling takes the next question. */
  lastTouch?: number;
  pending?: { resolve(a: DialogAnswer): void; reject(e: AgentError): void; round: number };
  timer?: ReturnType<typeof setTimeout>;
  heartbeat?: ReturnType<typeof setTimeout>;
  cleanup: Array<() => void>;
  closed: boolean;
  /**
   * The state revision the current question started at. An answer must carry a revision at least this high: a
   * reused window must never take a late answer to the previous question (a second click, held Enter, a retried
   * POST) as the answer to the next one (docs/security.md T26).
   */
  questionRev: number;
}

/** DialogState without its revision counter (distributes over the union). */
type NewState = DialogState extends infer S ? (S extends DialogState ? Omit<S, 'rev'> : never) : never;

const DEFAULT_LINGER_MS = 10 * 60_000;
/** Pages poll every second: a window whose page was silent longer than this may be closed and is not re-used. */
const RECENT_POLL_MS = 2500;
const DECISIONS: ReadonlySet<string> = new Set<AccessDecision>(['allowOnce', 'allowAlways', 'deny', 'block']);
/** A heartbeat deadline reached this late means the agent, not the page, was unresponsive. */
const BUSY_LATENESS_MS = 200;
/** After an on-time deadline: time for requests already queued (the page's heartbeats) to be read. */
const HEARTBEAT_GRACE_MS = 250;
/** A PIN longer than this is not a PIN (PKCS#11 tokens use 4–16; some allow 64). */
const MAX_PIN_CHARS = 256;

/** The shared dialog machinery: a UserPrompt plus the hooks a host's transport calls. */
export interface DialogPrompt {
  prompt: UserPrompt;
  /** The dialog for a capability id, or undefined (unknown, used up, or closed). */
  get(id: string): Dialog | undefined;
  /** The page is alive (browser host heartbeat). */
  touch(id: string): void;
  /** Delivers an answer; throws AnswerRejected. Never logs the PIN. */
  answer(id: string, answer: unknown): Promise<void>;
  /** The page or window went away: cancels its question (USER_CANCELLED). */
  cancel(id: string): void;
  /**
   * Opens a non-question page (settings, diagnostics, about, verify). `show` replaces the presenter's show for this
   * page (the browser host hands a launcher to `kyso-agent ui`, which opens it in its own session).
   */
  openPanel(page: PanelPage, show?: (dialog: Dialog) => Promise<void>): Promise<Dialog>;
  /** Number of open dialogs (tray status, tests). */
  openCount(): number;
  /** Cancels everything (shutdown). */
  closeAll(): void;
}

export function createDialogPrompt(options: DialogPromptOptions): DialogPrompt {
  const { presenter, logger } = options;
  const dialogs = new Map<string, Entry>();
  const confirmBySignal = new WeakMap<AbortSignal, Entry>();
  const panelLang = () => (typeof options.lang === 'function' ? options.lang() : options.lang);
  const lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;

  /** Forgets the entry's current question context (its abort listener, the confirm link). */
  const detach = (e: Entry) => {
    e.preview = undefined;
    for (const c of e.cleanup.splice(0)) c();
    if (e.ctx && confirmBySignal.get(e.ctx.signal) === e) confirmBySignal.delete(e.ctx.signal);
    e.ctx = undefined;
  };

  const close = (e: Entry, why: string) => {
    if (e.closed) return;
    e.closed = true;
    dialogs.delete(e.id);
    if (e.timer) clearTimeout(e.timer);
    if (e.heartbeat) clearTimeout(e.heartbeat);
    detach(e);
    logger.info('ui.dialog.close', { page: e.page, why });
    try {
      presenter.close(e);
    } catch (err) {
      logger.warn('ui.dialog.close_failed', { page: e.page, error: String(err) });
    }
  };

  const bump = (e: Entry, patch: Partial<DialogState>) => {
    e.state = { ...e.state, ...patch, rev: e.state.rev + 1 } as DialogState;
    e.page = e.state.page;
    presenter.update(e);
  };

  /**
   * The request is over: the window says how it ended and stays open a while for the site's next question.
   * Panels and windows nobody has seen yet simply close.
   */
  const end = (e: Entry, outcome: EndOutcome, why: string) => {
    if (e.closed) return;
    detach(e);
    if (e.origin === undefined || !e.shown || lingerMs <= 0) return close(e, why);
    logger.info('ui.dialog.end', { page: e.page, outcome, why });
    bump(e, { page: 'end', outcome } as Partial<DialogState>);
    if (e.timer) clearTimeout(e.timer);
    e.timer = setTimeout(() => close(e, 'linger'), lingerMs);
    e.timer.unref?.();
  };

  const fail = (e: Entry, reason: 'USER_CANCELLED' | 'USER_TIMEOUT', why: string, closeIt = false) => {
    const p = e.pending;
    e.pending = undefined;
    if (closeIt) close(e, why);
    else end(e, reason === 'USER_TIMEOUT' ? 'timeout' : 'cancelled', why);
    p?.reject(new AgentError(reason));
  };

  /** No window could be shown: the caller hears it at once (never a silent wait for the timeout). */
  const unavailable = (e: Entry, detail: string) => {
    const p = e.pending;
    e.pending = undefined;
    close(e, 'show_failed');
    logger.error('ui.unavailable', { page: e.page, error: detail });
    try {
      options.onUnavailable?.(detail);
    } catch {
      // A failing terminal line must not hide the answer.
    }
    p?.reject(new AgentError('UI_UNAVAILABLE', UI_UNAVAILABLE_MESSAGE));
  };

  const armTimeout = (e: Entry, ms: number) => {
    if (e.timer) clearTimeout(e.timer);
    e.timer = setTimeout(() => (e.pending ? fail(e, 'USER_TIMEOUT', 'timeout') : e.ctx ? end(e, 'timeout', 'idle') : close(e, 'idle')), ms);
    e.timer.unref?.();
  };

  const attach = (e: Entry, ctx: PromptContext) => {
    e.ctx = ctx;
    const onAbort = () => (e.pending ? fail(e, 'USER_CANCELLED', 'aborted') : end(e, 'cancelled', 'aborted'));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    e.cleanup.push(() => ctx.signal.removeEventListener('abort', onAbort));
  };

  /** The site's window resting on its last words, seen by the user and still open: the next question goes there. */
  const restingWindow = (origin: string): Entry | undefined => {
    for (const e of dialogs.values()) {
      const alive = options.heartbeatTimeoutMs === undefined ? e.shown : e.shown && e.touched && Date.now() - (e.lastTouch ?? 0) < RECENT_POLL_MS;
      if (!e.closed && e.origin === origin && !e.ctx && !e.pending && e.state.page === 'end' && alive) return e;
    }
    return undefined;
  };

  /** The window for a question: the site's resting one moved to the new page, or a new one (`fresh`: show it). */
  const acquire = (state: NewState, ctx?: PromptContext): { e: Entry; fresh: boolean } => {
    const resting = ctx ? restingWindow(ctx.origin) : undefined;
    if (resting && ctx) {
      attach(resting, ctx);
      // A whole new state (nothing of the previous question carries over), with a higher revision.
      resting.state = { ...state, rev: resting.state.rev + 1 } as DialogState;
      resting.questionRev = resting.state.rev;
      resting.page = state.page;
      presenter.update(resting);
      try {
        presenter.reveal?.(resting);
      } catch {
        // Bringing it forward is a nicety.
      }
      logger.info('ui.dialog.reuse', { page: resting.page });
      return { e: resting, fresh: false };
    }
    const e: Entry = { id: randomBytes(32).toString('base64url'), page: state.page, state: { ...state, rev: 1 } as DialogState, cleanup: [], closed: false, shown: false, touched: false, questionRev: 1, ...(ctx ? { origin: ctx.origin } : {}) };
    dialogs.set(e.id, e);
    if (ctx) attach(e, ctx);
    return { e, fresh: true };
  };

  /** Waits for the answer to the entry's current question (showing it first when `show`). */
  const ask = (e: Entry, round: number, show: boolean): Promise<DialogAnswer> =>
    new Promise<DialogAnswer>((resolve, reject) => {
      if (e.ctx?.signal.aborted) {
        end(e, 'cancelled', 'aborted');
        reject(new AgentError('USER_CANCELLED'));
        return;
      }
      e.pending = { resolve, reject, round };
      armTimeout(e, options.dialogTimeoutMs);
      logger.info('ui.dialog.open', { page: e.page, origin: e.ctx?.origin ?? null, round, window: show ? 'new' : 'same' });
      if (show) {
        Promise.resolve()
          .then(() => presenter.show(e))
          .then(
            () => void (e.shown = true),
            (err: unknown) => unavailable(e, err instanceof Error ? err.message : String(err)),
          );
      }
    });

  const prompt: UserPrompt = {
    async requestAccess(ctx) {
      const { e, fresh } = acquire({ page: 'access', lang: ctx.lang, origin: ctx.origin }, ctx);
      const a = await ask(e, 1, fresh);
      return a.page === 'access' ? a.decision : 'deny';
    },

    async chooseCertificate(ctx, certificates, opts) {
      const tokens = options.tokenLabels ? await options.tokenLabels().catch(() => []) : [];
      const { e, fresh } = acquire({ page: 'picker', lang: ctx.lang, origin: ctx.origin, certificates, tokens, ...(opts.title ? { title: opts.title } : {}), ...(opts.lastChoice ? { lastChoice: opts.lastChoice } : {}), ...(opts.revocation?.length ? { revocation: opts.revocation } : {}) }, ctx);
      const a = await ask(e, 1, fresh);
      if (a.page !== 'picker' || a.certId === null) return null;
      return certificates.find((c) => c.certId === a.certId) ?? null;
    },

    async confirmSigning(ctx, request: ConfirmRequest): Promise<ConfirmResult> {
      const existing = confirmBySignal.get(ctx.signal);
      let e: Entry;
      let round: number;
      let fresh = false;
      if (existing && !existing.closed && !existing.pending && existing.state.page === 'confirm') {
        // Same operation asking again (wrong PIN): re-use the open page, as the user expects.
        e = existing;
        round = existing.state.round + 1;
        bump(e, { subject: request.subject, certificate: request.certificate, pin: request.pin, round, phase: 'ask', progress: undefined, legacyHash: request.legacyHash, facts: request.facts } as Partial<DialogState>);
      } else {
        round = 1;
        ({ e, fresh } = acquire({ page: 'confirm', lang: ctx.lang, origin: ctx.origin, subject: request.subject, certificate: request.certificate, pin: request.pin, round, phase: 'ask', ...(request.certificateStatus ? { certificateStatus: request.certificateStatus } : {}), ...(request.legacyHash ? { legacyHash: request.legacyHash } : {}), ...(request.facts ? { facts: request.facts } : {}) }, ctx));
        confirmBySignal.set(ctx.signal, e);
      }
      // Set or cleared on every question: a reused window never previews the previous request's document.
      e.preview = request.preview;
      const a = await ask(e, round, fresh);
      // Answered: the page asks for no more pages, and the dialog holds no reference to the documents.
      e.preview = undefined;
      if (a.page !== 'confirm' || !a.approved) {
        end(e, 'cancelled', 'declined');
        return { approved: false };
      }
      // Keep the page open in "working" state for progress, a PIN retry, or finish().
      bump(e, { phase: 'working' } as Partial<DialogState>);
      armTimeout(e, options.dialogTimeoutMs);
      const needsPin = request.pin.required && !request.pin.pinpad;
      return needsPin && a.pin !== undefined ? { approved: true, pin: new TextEncoder().encode(a.pin) } : { approved: true };
    },

    progress(ctx, done, total) {
      const e = confirmBySignal.get(ctx.signal);
      if (!e || e.closed) return;
      bump(e, { progress: { done, total } } as Partial<DialogState>);
      armTimeout(e, options.dialogTimeoutMs);
    },

    finish(ctx, outcome?: PromptOutcome) {
      for (const e of [...dialogs.values()]) {
        if (e.ctx?.signal !== ctx.signal) continue;
        if (e.pending) fail(e, 'USER_CANCELLED', 'finished');
        else end(e, outcome === 'done' ? (e.page === 'confirm' ? 'signed' : 'done') : outcome === 'failed' ? 'failed' : 'done', 'finished');
      }
    },
  };

  /** Checks an answer against the question it claims to answer. The PIN is validated, never logged. */
  const validate = (e: Entry, raw: unknown): DialogAnswer => {
    const a = raw as Partial<Record<string, unknown>> | null;
    // A window on its last words asks nothing: whatever comes is late (a second click, a replay).
    if (e.state.page === 'end') throw new AnswerRejected(409);
    if (!a || typeof a !== 'object' || a.page !== e.page) throw new AnswerRejected(400);
    // Made on an earlier question shown in this window: refused (a fresh window's first question has no earlier one).
    const rev = typeof a.rev === 'number' ? a.rev : 1;
    if (rev < e.questionRev || rev > e.state.rev) throw new AnswerRejected(409);
    const s = e.state;
    if (s.page === 'access') {
      if (typeof a.decision !== 'string' || !DECISIONS.has(a.decision)) throw new AnswerRejected(400);
      return { page: 'access', decision: a.decision as AccessDecision };
    }
    if (s.page === 'picker') {
      if (a.certId === null) return { page: 'picker', certId: null };
      const cert = s.certificates.find((c: Cert) => c.certId === a.certId);
      if (!cert || cert.status !== 'valid' || !cert.hasPrivateKey) throw new AnswerRejected(400);
      return { page: 'picker', certId: cert.certId };
    }
    if (s.page === 'confirm') {
      if (a.round !== s.round || typeof a.approved !== 'boolean') throw new AnswerRejected(409);
      if (!a.approved) return { page: 'confirm', round: s.round, approved: false };
      if (s.pin.pinStatus === 'locked') throw new AnswerRejected(400);
      if (s.pin.required && !s.pin.pinpad) {
        if (typeof a.pin !== 'string' || a.pin.length === 0 || a.pin.length > MAX_PIN_CHARS) throw new AnswerRejected(400);
        return { page: 'confirm', round: s.round, approved: true, pin: a.pin };
      }
      return { page: 'confirm', round: s.round, approved: true };
    }
    if (s.page === 'settings' && a.action && typeof a.action === 'object') return { page: 'settings', action: a.action as SettingsAction };
    // One file at a time; the body limit of the transport bounds its size (docs/trust.md "Verification").
    if (s.page === 'verify' && s.verify.phase !== 'working' && typeof a.document === 'string' && typeof a.fileName === 'string' && a.fileName.length <= 255) {
      return { page: 'verify', fileName: a.fileName, document: a.document };
    }
    throw new AnswerRejected(400);
  };

  /**
   * docs/security.md T22: silence only counts while the agent could have heard the page. A deadline reached late (the
   * event loop was busy, e.g. on a large document) re-arms a full window instead of cancelling the user's dialog,
   * and an on-time deadline still waits a short grace so heartbeats queued during a busy moment are read first.
   */
  const armHeartbeat = (e: Entry, ms: number): void => {
    if (e.heartbeat) clearTimeout(e.heartbeat);
    const due = Date.now() + ms;
    e.heartbeat = setTimeout(() => {
      if (Date.now() - due > BUSY_LATENESS_MS) {
        logger.info('ui.dialog.heartbeat_busy', { page: e.page, lateMs: Date.now() - due });
        armHeartbeat(e, ms);
        return;
      }
      e.heartbeat = setTimeout(() => (e.pending ? fail(e, 'USER_CANCELLED', 'heartbeat', true) : close(e, 'heartbeat')), HEARTBEAT_GRACE_MS);
      e.heartbeat.unref?.();
    }, ms);
    e.heartbeat.unref?.();
  };

  return {
    prompt,
    get: (id) => dialogs.get(id),
    touch(id) {
      const e = dialogs.get(id);
      if (!e || options.heartbeatTimeoutMs === undefined) return;
      e.touched = true;
      e.lastTouch = Date.now();
      armHeartbeat(e, options.heartbeatTimeoutMs);
    },
    async answer(id, raw) {
      const e = dialogs.get(id);
      if (!e || e.closed) throw new AnswerRejected(404);
      const a = validate(e, raw);
      if (a.page === 'settings') {
        if (!options.panels) throw new AnswerRejected(400);
        await options.panels.applySettings(a.action).catch(() => {
          throw new AnswerRejected(400);
        });
        const settings = await options.panels.settings();
        bump(e, { settings, lang: settings.lang } as Partial<DialogState>);
        logger.info('ui.settings.apply', { kind: a.action.kind });
        return;
      }
      if (a.page === 'verify') {
        const verify = options.panels?.verify;
        if (!verify) throw new AnswerRejected(400);
        const document = new Uint8Array(Buffer.from(a.document, 'base64'));
        bump(e, { verify: { phase: 'working', fileName: a.fileName } } as Partial<DialogState>);
        logger.info('ui.verify', { bytes: document.length });
        // In the background: the page polls and sees the report when it is ready.
        void verify({ document, fileName: a.fileName }, e.state.lang).then(
          (report) => bump(e, { verify: { phase: 'done', fileName: a.fileName, report } } as Partial<DialogState>),
          (err: unknown) => bump(e, { verify: { phase: 'done', fileName: a.fileName, error: isAgentError(err) ? { reason: err.reason, detail: err.data.detail ?? err.message } : { reason: 'INTERNAL', detail: '' } } } as Partial<DialogState>),
        );
        return;
      }
      const p = e.pending;
      if (!p) throw new AnswerRejected(409);
      e.pending = undefined;
      logger.info('ui.dialog.answer', { page: e.page, ...(a.page === 'access' ? { decision: a.decision } : a.page === 'confirm' ? { approved: a.approved, round: a.round } : { chosen: a.page === 'picker' && a.certId !== null }) });
      if (a.page === 'access') end(e, a.decision === 'allowOnce' || a.decision === 'allowAlways' ? 'allowed' : a.decision === 'block' ? 'blocked' : 'denied', 'answered');
      else if (a.page === 'picker') end(e, a.certId === null ? 'cancelled' : 'chosen', 'answered');
      p.resolve(a);
    },
    cancel(id) {
      const e = dialogs.get(id);
      if (!e) return;
      if (e.pending) fail(e, 'USER_CANCELLED', 'page_closed', true);
      else close(e, 'page_closed');
    },
    async openPanel(page, show) {
      const p = options.panels;
      if (!p) throw new Error('no panel provider');
      const lang = panelLang();
      const state: NewState =
        page === 'settings' ? { page, lang, settings: await p.settings() } : page === 'diagnostics' ? { page, lang, report: await p.diagnostics() }
          : page === 'verify' ? { page, lang, verify: { phase: 'idle' } } : { page, lang, about: await p.about() };
      const { e } = acquire(state);
      armTimeout(e, options.panelTimeoutMs ?? 30 * 60_000);
      try {
        await (show ? show(e) : presenter.show(e));
      } catch (err) {
        close(e, 'show_failed');
        throw err;
      }
      e.shown = true;
      return e;
    },
    openCount: () => dialogs.size,
    closeAll() {
      for (const e of [...dialogs.values()]) {
        if (e.pending) fail(e, 'USER_CANCELLED', 'shutdown', true);
        else close(e, 'shutdown');
      }
    },
  };
}
