// The postMessage protocol between a page (the SDK, or the VNPT shim in the page's world) and the extension's
// content script. Nothing here is trusted for identity: the origin is what the browser tells the extension.

/** Marks our messages among everything else a page posts to itself. */
export const PAGE = 'page';
export const EXTENSION = 'extension';

export type PageToExtension =
  | { kysoAgent: typeof PAGE; op: 'hello'; nonce: string }
  | { kysoAgent: typeof PAGE; op: 'open'; ch: string; kind: 'rpc' | 'vnpt' }
  | { kysoAgent: typeof PAGE; op: 'send'; ch: string; text: string }
  | { kysoAgent: typeof PAGE; op: 'close'; ch: string };

export type ExtensionToPage =
  | { kysoAgent: typeof EXTENSION; op: 'hello'; nonce: string; version: string; relay: number }
  | { kysoAgent: typeof EXTENSION; op: 'opened'; ch: string; agentVersion: string }
  | { kysoAgent: typeof EXTENSION; op: 'message'; ch: string; text: string }
  | { kysoAgent: typeof EXTENSION; op: 'closed'; ch: string; reason?: string; message?: string };

/** Channels one page (frame) may hold open at once. */
export const MAX_PAGE_CHANNELS = 16;
/** Largest text a page may send in one message (a 64 MiB-class document in base64 fits under the port limit). */
export const MAX_PAGE_TEXT = 60 * 1024 * 1024;

const CH_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Strict reading of a page's message; null for anything that is not ours or not well-formed. */
export function readPageMessage(data: unknown): PageToExtension | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  if (m.kysoAgent !== PAGE) return null;
  if (m.op === 'hello') return typeof m.nonce === 'string' && m.nonce.length <= 64 ? { kysoAgent: PAGE, op: 'hello', nonce: m.nonce } : null;
  if (typeof m.ch !== 'string' || !CH_RE.test(m.ch)) return null;
  if (m.op === 'open') return m.kind === 'rpc' || m.kind === 'vnpt' ? { kysoAgent: PAGE, op: 'open', ch: m.ch, kind: m.kind } : null;
  if (m.op === 'send') return typeof m.text === 'string' ? { kysoAgent: PAGE, op: 'send', ch: m.ch, text: m.text } : null;
  if (m.op === 'close') return { kysoAgent: PAGE, op: 'close', ch: m.ch };
  return null;
}
