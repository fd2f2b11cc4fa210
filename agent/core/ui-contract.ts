// The dialog contract the agent's prompt and the renderer's pages share: page states, answers, settings and panels.
import type { AccessDecision, ConfirmFact, Lang, PinRequest } from './ports.js';
import type { ModuleReport } from './ports.js';
import type { StatusNotice } from './status/gate.js';
import type { RevocationMark } from './status/marks.js';
import type { Cert, SignSubject, Token } from './types.js';
import type { RenderedReport } from './verify/render.js';

/** The pages that ask nothing of a site: opened from the tray, `kyso-agent ui …`, or tests. */
export type PanelPage = 'settings' | 'diagnostics' | 'about' | 'verify';

/** The "Kiểm tra chữ ký" page: waiting for a file, checking one, or showing its report (or why it could not). */
export interface VerifyView {
  phase: 'idle' | 'working' | 'done';
  fileName?: string;
  report?: RenderedReport;
  error?: { reason: string; detail: string };
}

/** A token as the picker groups certificates under it (label only; never a path). */
export interface TokenLabel {
  tokenId: string;
  label: string;
  manufacturer?: string;
}

/** Batch progress shown in the open confirmation. */
export interface Progress {
  done: number;
  total: number;
}

/** What the settings page shows (the host fills it from its store and the admin policy). */
export interface SettingsView {
  approvedOrigins: string[];
  blockedOrigins: string[];
  lang: Lang;
  /** Set by policy: the user cannot change the language. */
  langLocked?: boolean;
  pinSessionMinutes: number;
  /** Upper bound allowed by policy (the field's max). */
  pinSessionMaxMinutes: number;
  /** Policy requirePinEveryTime: the PIN session is off and the field is read-only. */
  requirePinEveryTime?: boolean;
  /** null: this host cannot start at login (the browser host); the switch is hidden. */
  startAtLogin: boolean | null;
}

export type SettingsAction =
  | { kind: 'revoke'; origin: string }
  | { kind: 'unblock'; origin: string }
  | { kind: 'lang'; lang: Lang }
  | { kind: 'pinSessionMinutes'; minutes: number }
  | { kind: 'startAtLogin'; enabled: boolean };

/** What `kyso-agent doctor` knows, for the "Kiểm tra hệ thống" page. No secrets by construction. */
export interface DiagnosticsReport {
  version: string;
  platform: string;
  generatedAt: string;
  modules: ModuleReport[];
  tokens: Token[];
  certificates: Array<Omit<Cert, 'der'>>;
  ports: { tls: number | null; plain: number | null; vnpt: number | null };
  caTrust: Array<{ store: string; status: 'trusted' | 'missing' | 'error' | 'unsupported'; detail?: string }>;
  policy: { source: string | null; valid: boolean; error?: string; settings: Record<string, string | number | boolean | string[] | null> };
}

export interface AboutInfo {
  name: string;
  version: string;
  licence: string;
  components: Array<{ name: string; version?: string; licence: string }>;
}

/** How a request's window ended: allowed/denied/blocked (access), chosen (picker), signed, done, cancelled, timeout, failed. */
export type EndOutcome = 'allowed' | 'denied' | 'blocked' | 'chosen' | 'signed' | 'done' | 'cancelled' | 'timeout' | 'failed';

interface Common {
  lang: Lang;
  /** Bumped by the host on every change, so the page re-renders only when something changed. */
  rev: number;
}

/** Everything a page needs to draw itself. One variant per page. */
export type DialogState =
  | (Common & { page: 'access'; origin: string })
  | (Common & { page: 'picker'; origin: string; title?: string; certificates: Cert[]; tokens: TokenLabel[]; lastChoice?: string; revocation?: RevocationMark[] })
  | (Common & {
      page: 'confirm';
      origin: string;
      subject: SignSubject;
      certificate: Cert;
      pin: PinRequest;
      /** The certificate's status could not be confirmed good (policy signing.revocationCheck "warn"). */
      certificateStatus?: StatusNotice;
      /** 1 for the first confirmation, 2… when the same operation asks again after a wrong PIN. */
      round: number;
      /** ask: waiting for the user; working: approved, the agent is signing (progress may follow). */
      phase: 'ask' | 'working';
      progress?: Progress;
      /** SHA-1 somewhere in what is signed: "warn" adds a warning; both name it as legacy. */
      legacyHash?: 'warn' | 'allow';
      facts?: ConfirmFact[];
    })
  /** A request's window after its last question: what happened, while it waits for the site's next question. */
  | (Common & { page: 'end'; origin: string; outcome: EndOutcome })
  | (Common & { page: 'settings'; settings: SettingsView })
  | (Common & { page: 'diagnostics'; report: DiagnosticsReport })
  | (Common & { page: 'about'; about: AboutInfo })
  | (Common & { page: 'verify'; verify: VerifyView });

export type PageKind = DialogState['page'];

/**
 * The user's answer. The PIN travels only here, only to the agent, as a string the host turns into bytes.
 * `rev`: the state revision the page showed when the user answered (a reused window refuses older ones).
 */
export type DialogAnswer = (
  | { page: 'access'; decision: AccessDecision }
  | { page: 'picker'; certId: string | null }
  | { page: 'confirm'; round: number; approved: boolean; pin?: string }
  | { page: 'settings'; action: SettingsAction }
  /** A file dropped on the verify page: base64, checked by the agent on this machine. */
  | { page: 'verify'; fileName: string; document: string }
) & { rev?: number };

/** What the Electron preload exposes as `window.kyso` (contextBridge). Same shape as Bridge, minus closures. */
export interface KysoPreloadApi {
  getState(): Promise<DialogState>;
  answer(answer: DialogAnswer): Promise<void>;
  onUpdate(callback: (state: DialogState | null) => void): void;
  close(): void;
  /** The PDF the confirmation previews (docs/security.md T24): the sign.pdf's, or batch item `item`'s; null: none. */
  getDocument(item?: number): Promise<Uint8Array | null>;
}
