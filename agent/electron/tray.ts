// The tray icon: token status (none / token present / signing) and the menu (diagnostics, sites, settings, language, quit).
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { Lang } from '../core/ports.js';
import type { PanelPage } from '../core/ui-contract.js';
import { statusIconPng, type TrayStatus } from './icons.js';

export interface TrayActions {
  openPanel(page: PanelPage): void;
  setLanguage(lang: Lang): void;
  quit(): void;
}

const TEXT = {
  vi: { verify: 'Kiểm tra chữ ký…', diagnostics: 'Kiểm tra hệ thống', sites: 'Trang web được phép…', settings: 'Cài đặt…', language: 'Ngôn ngữ', about: 'Giới thiệu', quit: 'Thoát kyso-agent', none: 'kyso-agent: chưa có thiết bị ký số', present: 'kyso-agent: thiết bị ký số đã sẵn sàng', signing: 'kyso-agent: đang ký…' },
  en: { verify: 'Verify a signature…', diagnostics: 'System check', sites: 'Allowed sites…', settings: 'Settings…', language: 'Language', about: 'About', quit: 'Quit kyso-agent', none: 'kyso-agent: no signing token', present: 'kyso-agent: signing token ready', signing: 'kyso-agent: signing…' },
} as const;

/** The tray menu for a language (pure: tested without a tray). */
export function trayMenuTemplate(lang: Lang, actions: TrayActions): MenuItemConstructorOptions[] {
  const tx = TEXT[lang];
  return [
    { id: 'verify', label: tx.verify, click: () => actions.openPanel('verify') },
    { id: 'diagnostics', label: tx.diagnostics, click: () => actions.openPanel('diagnostics') },
    { id: 'sites', label: tx.sites, click: () => actions.openPanel('settings') },
    { id: 'settings', label: tx.settings, click: () => actions.openPanel('settings') },
    {
      id: 'language',
      label: tx.language,
      submenu: [
        { id: 'lang-vi', label: 'Tiếng Việt', type: 'radio', checked: lang === 'vi', click: () => actions.setLanguage('vi') },
        { id: 'lang-en', label: 'English', type: 'radio', checked: lang === 'en', click: () => actions.setLanguage('en') },
      ],
    },
    { id: 'about', label: tx.about, click: () => actions.openPanel('about') },
    { type: 'separator' },
    { id: 'quit', label: tx.quit, click: () => actions.quit() },
  ];
}

export interface AgentTray {
  setStatus(status: TrayStatus): void;
  setLanguage(lang: Lang): void;
  destroy(): void;
}

export function createAgentTray(lang: Lang, actions: TrayActions): AgentTray {
  let status: TrayStatus = 'none';
  let current = lang;
  const icon = (s: TrayStatus) => nativeImage.createFromBuffer(statusIconPng(s));
  const tray = new Tray(icon(status));
  const refresh = () => {
    tray.setImage(icon(status));
    tray.setToolTip(TEXT[current][status]);
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(current, actions)));
  };
  refresh();
  return {
    setStatus(s) {
      status = s;
      refresh();
    },
    setLanguage(l) {
      current = l;
      refresh();
    },
    destroy: () => tray.destroy(),
  };
}
