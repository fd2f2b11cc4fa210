// The Electron host's bridge: a thin wrapper over the per-window preload API (window.kyso, via contextBridge).
import type { Bridge, KysoPreloadApi } from './bridge.js';

declare global {
  interface Window {
    kyso?: KysoPreloadApi;
  }
}

/** An ArrayBuffer holding exactly the view's bytes (the view itself when it spans its whole buffer). */
export function exactBuffer(view: Uint8Array): ArrayBuffer {
  const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer;
  return whole ? (view.buffer as ArrayBuffer) : view.slice().buffer;
}

/** The preload bridge when the page runs in an agent window, else null. */
export function createElectronBridge(): Bridge | null {
  const api = window.kyso;
  if (!api) return null;
  const listeners = new Set<Parameters<Bridge['onUpdate']>[0]>();
  api.onUpdate((s) => {
    for (const l of listeners) l(s);
  });
  return {
    getState: () => api.getState(),
    answer: (a) => api.answer(a),
    onUpdate(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    close: () => api.close(),
    // The same pdf.js rendering as the browser host; only the bytes arrive over the preload instead of fetch.
    async getDocument(item) {
      const bytes = await api.getDocument(item);
      return bytes ? exactBuffer(bytes) : null;
    },
  };
}
