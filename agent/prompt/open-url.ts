// Opens a URL in the user's browser: `$BROWSER <url>` when BROWSER is set, else the OS opener. Never a shell.
// The agent's dialogs pass a file:// launcher URL here (launcher.ts), so no dialog secret is ever on a command line.
// A failure is reported within OPENER_GRACE_MS (no display, opener missing or exiting with an error), so the caller
// hears UI_UNAVAILABLE at once instead of waiting out the dialog timeout (docs/protocol.md errors).
import { spawn } from 'node:child_process';

export type OpenUrl = (url: string) => Promise<void>;

/** An opener still running after this long is taken as "the browser is starting". */
export const OPENER_GRACE_MS = 1500;

/** The command (and arguments before the URL) that opens a URL on this machine. */
export function openerCommand(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): [string, string[]] {
  // BROWSER is taken as one program path (no splitting, no %s templating): it is run, never interpreted by a shell.
  const browser = env.BROWSER?.trim();
  if (browser) return [browser, []];
  if (platform === 'darwin') return ['open', []];
  // rundll32 opens the default browser without going through cmd.exe's `start` (a shell builtin).
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler']];
  return ['xdg-open', []];
}

/** Why no window can be shown here at all, or null. Only the X11/Wayland desktops need a display variable. */
export function noDisplayReason(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  if (env.BROWSER?.trim()) return null;
  if (platform === 'darwin' || platform === 'win32') return null;
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'no $BROWSER and no display ($DISPLAY / $WAYLAND_DISPLAY unset)';
}

/**
 * An opener that spawns the command detached. It resolves when the command exits with 0 or is still running after
 * `graceMs` (a browser started by $BROWSER keeps running), and rejects when it cannot start or exits non-zero.
 */
export function createUrlOpener(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, graceMs = OPENER_GRACE_MS): OpenUrl {
  return (url) =>
    new Promise<void>((resolve, reject) => {
      if (!/^(https?|file):\/\//.test(url)) {
        reject(new Error('refusing to open a non-http(s), non-file URL'));
        return;
      }
      const why = noDisplayReason(env, platform);
      if (why) {
        reject(new Error(why));
        return;
      }
      const [cmd, args] = openerCommand(env, platform);
      const child = spawn(cmd, [...args, url], { detached: true, stdio: 'ignore', shell: false, windowsHide: true });
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.unref();
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => settle(), graceMs);
      timer.unref?.();
      child.once('error', (e) => settle(new Error(`opener ${cmd} failed to start: ${e.message}`)));
      child.once('exit', (code, signal) => settle(code === 0 ? undefined : new Error(`opener ${cmd} exited with ${code ?? signal}`)));
    });
}
