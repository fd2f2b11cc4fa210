// IPC between dialog windows and the main process: every message's sender must be the main frame of a dialog window
// we created, showing our own page; the dialog it acts on is the one bound to that window, never one the page names.
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import { AnswerRejected, previewDocument, previewItem, type DialogPrompt } from '../prompt/dialog-prompt.js';
import { UI_PAGE_URL } from './ui-protocol.js';

/** webContents id → dialog id, maintained by the window presenter. */
export type WindowBindings = Map<number, string>;

/** The dialog a sender may act on, or null when the sender is not one of our dialog pages. */
export function dialogOfSender(event: IpcMainEvent | IpcMainInvokeEvent, bindings: WindowBindings): string | null {
  const id = bindings.get(event.sender.id);
  if (id === undefined) return null;
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return null;
  const url = frame.url.split(/[?#]/)[0];
  if (url !== UI_PAGE_URL) return null;
  return id;
}

/**
 * The PDF a sender's confirmation may render (docs/security.md T24): the same bytes, and the same rule, as the
 * browser host's /ui/<id>/document route; null for anything else. IPC serialises a view's whole underlying buffer,
 * so a view into a larger one (a decoded message) is copied to exactly its own bytes first.
 */
export function documentForSender(event: IpcMainInvokeEvent, item: unknown, dialogs: DialogPrompt, bindings: WindowBindings): Uint8Array | null {
  const id = dialogOfSender(event, bindings);
  const dialog = id === null ? undefined : dialogs.get(id);
  // The preload sends a number or nothing; the route's string form is not accepted here.
  const index = typeof item === 'string' ? null : previewItem(item);
  const pdf = dialog && index !== null ? previewDocument(dialog, index) : undefined;
  if (!pdf) return null;
  return pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? pdf : pdf.slice();
}

/** Registers the dialog channels. Returns an unregister function. */
export function registerDialogIpc(dialogs: DialogPrompt, bindings: WindowBindings): () => void {
  ipcMain.handle('kyso:state', (event) => {
    const id = dialogOfSender(event, bindings);
    const d = id === null ? undefined : dialogs.get(id);
    if (!d) throw new Error('closed');
    return d.state;
  });
  ipcMain.handle('kyso:answer', async (event, answer: unknown) => {
    const id = dialogOfSender(event, bindings);
    if (id === null) throw new Error('refused');
    try {
      await dialogs.answer(id, answer);
    } catch (e) {
      throw new Error(e instanceof AnswerRejected ? `rejected ${e.status}` : 'failed');
    }
  });
  const onClose = (event: IpcMainEvent) => {
    const id = dialogOfSender(event, bindings);
    if (id !== null) dialogs.cancel(id);
  };
  ipcMain.on('kyso:close', onClose);
  ipcMain.handle('kyso:document', (event, item: unknown) => documentForSender(event, item, dialogs, bindings));
  return () => {
    ipcMain.removeHandler('kyso:document');
    ipcMain.removeHandler('kyso:state');
    ipcMain.removeHandler('kyso:answer');
    ipcMain.removeListener('kyso:close', onClose);
  };
}
