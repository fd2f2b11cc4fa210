// Start at login: the OS login items on Windows/macOS, an XDG autostart .desktop file on Linux.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app } from 'electron';

export interface LoginItemEnv {
  platform: NodeJS.Platform;
  /** XDG_CONFIG_HOME or ~/.config. */
  configHome: string;
  /** The command that starts the tray app (the AppImage/deb binary path). */
  execPath: string;
}

export function autostartFile(env: LoginItemEnv): string {
  return join(env.configHome, 'autostart', 'kyso-agent.desktop');
}

/** The .desktop entry; Exec is quoted per the Desktop Entry spec so paths with spaces work. */
export function desktopEntry(execPath: string): string {
  const quoted = `"${execPath.replace(/(["`$\\])/g, '\\$1')}"`;
  return ['[Desktop Entry]', 'Type=Application', 'Name=kyso-agent', 'Comment=Ký số với USB token', `Exec=${quoted} --hidden`, 'Terminal=false', 'X-GNOME-Autostart-enabled=true', ''].join('\n');
}

export async function getStartAtLogin(env: LoginItemEnv): Promise<boolean> {
  if (env.platform === 'linux') return readFile(autostartFile(env), 'utf8').then(() => true, () => false);
  return app.getLoginItemSettings().openAtLogin;
}

export async function setStartAtLogin(enabled: boolean, env: LoginItemEnv): Promise<void> {
  if (env.platform === 'linux') {
    const file = autostartFile(env);
    if (enabled) {
      await mkdir(join(env.configHome, 'autostart'), { recursive: true });
      await writeFile(file, desktopEntry(env.execPath), { mode: 0o644 });
    } else await rm(file, { force: true });
    return;
  }
  app.setLoginItemSettings({ openAtLogin: enabled, args: ['--hidden'] });
}
