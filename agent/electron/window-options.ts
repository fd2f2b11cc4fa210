// The one place agent windows are created: sandboxed, isolated, no Node, navigation and new windows denied (docs/security.md T14).
import { BrowserWindow, type WebContents } from 'electron';

/** Everything that must hold for a web page the agent shows; config-lint.test.ts checks every window construction in this folder. */
export function createDialogWindow(preload: string, title: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 480,
    height: 640,
    minWidth: 360,
    minHeight: 420,
    title,
    show: false,
    alwaysOnTop: true,
    autoHideMenuBar: true,
    fullscreenable: false,
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      spellcheck: false,
      preload,
    },
  });
  harden(win.webContents);
  win.once('ready-to-show', () => {
    win.show();
    win.focus();
  });
  return win;
}

/** No navigation away from the dialog, no new windows, no webviews: the page is a leaf. */
export function harden(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
