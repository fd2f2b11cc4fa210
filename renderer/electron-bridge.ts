// The Electron host's bridge: a thin wrapper over the per-window preload API (window.kyso, via contextBridge).
import type { Bridge, KysoPreloadApi } from './bridge.js';

declare global {
  interface Window {
    kyso?: KysoPreloadApi;
  }
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
  };
}
