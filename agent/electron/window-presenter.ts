// DialogPresenter over BrowserWindows: one small always-on-top window per request (allow → pick → confirm move
// through it as state updates); closing it cancels the question.
import type { BrowserWindow } from 'electron';
import type { Dialog, DialogPresenter, DialogPrompt } from '../prompt/dialog-prompt.js';
import type { WindowBindings } from './ipc.js';
import { UI_PAGE_URL } from './ui-protocol.js';
import { createDialogWindow } from './window-options.js';

export interface WindowPresenter extends DialogPresenter {
  bindings: WindowBindings;
  /** Late binding: the prompt is created with this presenter, then handed back. */
  attach(dialogs: DialogPrompt): void;
  windowOf(dialogId: string): BrowserWindow | undefined;
}

export function createWindowPresenter(preload: string): WindowPresenter {
  const bindings: WindowBindings = new Map();
  const windows = new Map<string, BrowserWindow>();
  let dialogs: DialogPrompt | undefined;
  return {
    bindings,
    attach: (d) => void (dialogs = d),
    windowOf: (id) => windows.get(id),
    async show(dialog: Dialog) {
      const win = createDialogWindow(preload, 'kyso-agent');
      const contentsId = win.webContents.id;
      windows.set(dialog.id, win);
      bindings.set(contentsId, dialog.id);
      win.on('closed', () => {
        bindings.delete(contentsId);
        windows.delete(dialog.id);
        // The user closed the window: same as closing the browser tab.
        dialogs?.cancel(dialog.id);
      });
      await win.loadURL(UI_PAGE_URL);
    },
    update(dialog) {
      const win = windows.get(dialog.id);
      if (win && !win.isDestroyed()) win.webContents.send('kyso:update', dialog.state);
    },
    reveal(dialog) {
      const win = windows.get(dialog.id);
      if (!win || win.isDestroyed()) return;
      win.show();
      win.focus();
    },
    close(dialog) {
      const win = windows.get(dialog.id);
      windows.delete(dialog.id);
      if (!win || win.isDestroyed()) return;
      for (const [k, v] of bindings) if (v === dialog.id) bindings.delete(k);
      win.webContents.send('kyso:update', null);
      win.destroy();
    },
  };
}
