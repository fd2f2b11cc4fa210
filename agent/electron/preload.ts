// Per-window preload: exposes only this dialog's narrow API as window.kyso. The main process knows which dialog
// a window shows, so the page never names one. Bundle to CommonJS for sandboxed preloads (see electron-builder.yml).
import { contextBridge, ipcRenderer } from 'electron';
import type { DialogAnswer, DialogState, KysoPreloadApi } from '../core/ui-contract.js';

const api: KysoPreloadApi = {
  getState: () => ipcRenderer.invoke('kyso:state') as Promise<DialogState>,
  answer: (answer: DialogAnswer) => ipcRenderer.invoke('kyso:answer', answer) as Promise<void>,
  onUpdate: (callback) => {
    ipcRenderer.on('kyso:update', (_event, state: DialogState | null) => callback(state));
  },
  close: () => ipcRenderer.send('kyso:close'),
  // The PDF the confirmation renders with its stamp (docs/security.md T24); the main process decides which one.
  getDocument: (item?: number) => ipcRenderer.invoke('kyso:document', item) as Promise<Uint8Array | null>,
};

contextBridge.exposeInMainWorld('kyso', api);
