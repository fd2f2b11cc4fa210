// The one narrow interface between the dialog pages and the agent, and the data that crosses it.
import type { DialogAnswer, DialogState } from '../agent/core/ui-contract.js';

// The contract lives in the core (the agent never imports renderer/); re-exported for the pages.
export type { AboutInfo, DialogAnswer, DialogState, DiagnosticsReport, EndOutcome, KysoPreloadApi, PageKind, Progress, SettingsAction, SettingsView, TokenLabel, VerifyView } from '../agent/core/ui-contract.js';
export type { RenderedReport, ReportRow, ReportSection } from '../agent/core/verify/render.js';

/**
 * How a page talks to the agent: the browser host implements it over fetch, Electron over its preload.
 * `onUpdate` delivers `null` once the agent closed the dialog (cancelled, timed out, finished).
 */
export interface Bridge {
  getState(): Promise<DialogState>;
  answer(answer: DialogAnswer): Promise<void>;
  onUpdate(callback: (state: DialogState | null) => void): () => void;
  /** The user closes the page without answering (Esc on a non-question page, the window goes away). */
  close(): void;
  /**
   * The PDF the open confirmation previews (docs/security.md T24): the sign.pdf's document, or batch item `item`'s;
   * null when there is none (or the dialog no longer asks). Absent: this host offers no preview.
   */
  getDocument?(item?: number): Promise<ArrayBuffer | null>;
}

