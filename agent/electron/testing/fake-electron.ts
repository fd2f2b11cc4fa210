// A fake of the parts of the `electron` module the shell uses, recording what the shell does (the binary is absent here).
import { EventEmitter } from 'node:events';

type Handler = (...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  static seq = 100;
  id = FakeWebContents.seq++;
  mainFrame = { url: '' };
  sent: Array<[string, unknown]> = [];
  openHandler?: (details: { url: string }) => { action: string };
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }) {
    this.openHandler = h;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  webContents = new FakeWebContents();
  destroyed = false;
  loaded?: string;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
  }
  async loadURL(url: string) {
    this.loaded = url;
    this.webContents.mainFrame.url = url;
  }
  show() {}
  focus() {}
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.emit('closed');
  }
  /** The user clicks the window's close button. */
  userClose() {
    this.destroyed = true;
    this.emit('closed');
  }
}

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  listeners: new Map<string, Handler>(),
  handle(ch: string, h: Handler) {
    this.handlers.set(ch, h);
  },
  removeHandler(ch: string) {
    this.handlers.delete(ch);
  },
  on(ch: string, h: Handler) {
    this.listeners.set(ch, h);
  },
  removeListener(ch: string) {
    this.listeners.delete(ch);
  },
};

export const app = Object.assign(new EventEmitter(), {
  lock: true,
  quitCalls: 0,
  loginItem: { openAtLogin: false },
  requestSingleInstanceLock() {
    return this.lock;
  },
  quit() {
    this.quitCalls++;
  },
  whenReady: () => Promise.resolve(),
  getLoginItemSettings() {
    return this.loginItem;
  },
  setLoginItemSettings(s: { openAtLogin: boolean }) {
    this.loginItem = { openAtLogin: s.openAtLogin };
  },
});

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (req: { url: string }) => Promise<Response>>(),
  registerSchemesAsPrivileged(s: unknown[]) {
    this.privileged.push(...s);
  },
  handle(scheme: string, h: (req: { url: string }) => Promise<Response>) {
    this.handlers.set(scheme, h);
  },
};

export const session = { defaultSession: { permissionHandler: undefined as undefined | Handler, setPermissionRequestHandler(h: Handler) { this.permissionHandler = h; } } };

export const Menu = { buildFromTemplate: (t: unknown[]) => ({ template: t }) };

export class Tray {
  static last?: Tray;
  image: unknown;
  tooltip = '';
  menu?: { template: Array<Record<string, unknown>> };
  constructor(image: unknown) {
    this.image = image;
    Tray.last = this;
  }
  setImage(i: unknown) {
    this.image = i;
  }
  setToolTip(t: string) {
    this.tooltip = t;
  }
  setContextMenu(m: { template: Array<Record<string, unknown>> }) {
    this.menu = m;
  }
  destroy() {}
}

export const nativeImage = { createFromBuffer: (b: Buffer) => ({ png: b }) };
/** What the preload exposed, by name (the page's `window.kyso`). */
export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(name: string, api: unknown) {
    this.exposed.set(name, api);
  },
};
/** The preload's side of IPC: invoke() goes to the handler the main process registered on the fake ipcMain. */
export const ipcRenderer = {
  event: undefined as unknown,
  invoke(channel: string, ...args: unknown[]) {
    const h = ipcMain.handlers.get(channel);
    return h ? Promise.resolve().then(() => h(this.event, ...args)) : Promise.reject(new Error(`no handler for ${channel}`));
  },
  on: () => undefined,
  send: () => undefined,
};

export const fake = { app, BrowserWindow: FakeBrowserWindow, ipcMain, protocol, session, Menu, Tray, nativeImage, contextBridge, ipcRenderer };
