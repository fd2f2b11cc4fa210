// The browser host's bridge: the page talks to /ui/<token>/… on the agent's own origin (with the dialog's HttpOnly
// cookie, which binds it to this browser), and its polling is the heartbeat.
import type { Bridge, DialogAnswer, DialogState } from './bridge.js';

/** How often the page asks for its state; the host treats ~5 s of silence as "the tab was closed". */
export const POLL_MS = 1000;

/** Thrown by `answer` when the agent refused it (e.g. the dialog already closed). */
export class BridgeError extends Error {
  constructor(readonly status: number) {
    super(`bridge: HTTP ${status}`);
  }
}

/** Where the page reads the PDF it previews: /ui/<token>/document, or /ui/<token>/document/<item> for a batch item. */
export function documentPath(base: string, item?: number): string {
  return item === undefined ? `${base}/document` : `${base}/document/${item}`;
}

/** Builds the bridge for a page served at `/ui/<token>`. */
export function createBrowserBridge(base: string = location.pathname.replace(/\/+$/, '')): Bridge {
  const listeners = new Set<(s: DialogState | null) => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const fetchState = async (): Promise<DialogState | null> => {
    const res = await fetch(`${base}/state`, { cache: 'no-store', credentials: 'same-origin' });
    if (!res.ok) return null;
    return (await res.json()) as DialogState;
  };

  const markClosed = () => {
    if (closed) return;
    closed = true;
    if (timer) clearInterval(timer);
    for (const l of listeners) l(null);
  };

  const poll = async () => {
    try {
      const s = await fetchState();
      if (s === null) markClosed();
      else for (const l of listeners) l(s);
    } catch {
      // The agent went away: the dialog is gone with it.
      markClosed();
    }
  };

  // Closing the tab cancels the question at once instead of waiting for the heartbeat to lapse.
  addEventListener('pagehide', () => {
    if (!closed) navigator.sendBeacon(`${base}/cancel`, '');
  });

  return {
    async getState() {
      const s = await fetchState();
      if (s === null) {
        closed = true;
        throw new BridgeError(404);
      }
      return s;
    },
    async answer(answer: DialogAnswer) {
      const res = await fetch(`${base}/answer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(answer),
        cache: 'no-store',
        credentials: 'same-origin',
      });
      if (!res.ok) throw new BridgeError(res.status);
    },
    async getDocument(item?: number) {
      const res = await fetch(documentPath(base, item), { cache: 'no-store', credentials: 'same-origin' });
      return res.ok ? res.arrayBuffer() : null;
    },
    onUpdate(callback) {
      listeners.add(callback);
      if (!timer && !closed) timer = setInterval(() => void poll(), POLL_MS);
      return () => listeners.delete(callback);
    },
    close() {
      if (!closed) navigator.sendBeacon(`${base}/cancel`, '');
      markClosed();
    },
  };
}
