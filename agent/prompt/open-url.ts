// Opens a URL in the user's browser: `$BROWSER <url>` when BROWSER is set, else the OS opener. Never a shell.
// The agent's dialogs pass a file:// launcher URL here (launcher.ts), so no dialog secret is ever on a command line.
import { spawn } from 'node:child_process';

export type OpenUrl = (url: string) => Promise<void>;

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

/** An opener that spawns the command detached and resolves once it started (it does not wait for the browser). */
export function createUrlOpener(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): OpenUrl {
  return (url) =>
    new Promise<void>((resolve, reject) => {
      if (!/^(https?|file):\/\//.test(url)) {
        reject(new Error('refusing to open a non-http(s), non-file URL'));
        return;
      }
      const [cmd, args] = openerCommand(env, platform);
      const child = spawn(cmd, [...args, url], { detached: true, stdio: 'ignore', shell: false, windowsHide: true });
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
}
