// Launcher files: the one-time dialog URL goes into a private file the browser opens, never onto a command line.
// Argv is readable by every local user (/proc/<pid>/cmdline); a 0600 file in a 0700 folder is readable by the user only.
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../core/ports.js';

/** A launcher that was never opened by the browser is removed after this long anyway. */
export const LAUNCHER_TTL_MS = 60_000;
const NAME_RE = /^launch-[A-Za-z0-9_-]{22}\.html$/;

/** Escapes text for an HTML attribute value (double-quoted) or element content. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The launcher page: a meta refresh to the dialog plus a script fallback; nothing else, nothing fetched. */
export function launcherHtml(url: string): string {
  // JSON is a valid JS string literal; '<' escaped so no '</script>' can end the element early.
  const js = JSON.stringify(url).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    '<meta name="referrer" content="no-referrer">' +
    `<meta http-equiv="refresh" content="0;url=${escapeHtml(url)}">` +
    `<title>kyso-agent</title></head><body><script>location.replace(${js});</script></body></html>\n`
  );
}

/** Launcher files of open dialogs, keyed by dialog id. */
export interface Launchers {
  /** Writes the launcher for a dialog and returns the file:// URL to hand to the opener. */
  write(dialogId: string, dialogUrl: string): Promise<string>;
  /** Deletes the dialog's launcher (page loaded, dialog ended, or TTL); a no-op when there is none. */
  remove(dialogId: string): void;
  /** Deletes every launcher (shutdown). */
  removeAll(): void;
}

/** Creates (or tightens) the private folder and deletes launchers a previous run left behind. */
function prepareDir(dir: string, logger: Logger): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  // A symlink or foreign folder here could send launchers somewhere others can read.
  if (!st.isDirectory() || (typeof process.getuid === 'function' && st.uid !== process.getuid())) throw new Error('launcher folder is not a private directory');
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
  for (const name of readdirSync(dir)) {
    if (!NAME_RE.test(name)) continue;
    try {
      unlinkSync(join(dir, name));
      logger.info('ui.launcher.stale_removed', {});
    } catch {
      // Gone already.
    }
  }
}

/** Launcher files in `dir` (e.g. <dataDir>/ui-launch). Stale files are removed now. */
export function createLaunchers(dir: string, logger: Logger, ttlMs = LAUNCHER_TTL_MS): Launchers {
  prepareDir(dir, logger);
  const files = new Map<string, { path: string; timer: ReturnType<typeof setTimeout> }>();
  const remove = (id: string) => {
    const f = files.get(id);
    if (!f) return;
    files.delete(id);
    clearTimeout(f.timer);
    unlink(f.path).catch(() => undefined);
  };
  return {
    async write(id, url) {
      remove(id);
      const path = join(dir, `launch-${randomBytes(16).toString('base64url')}.html`);
      // 'wx': never follow or reuse an existing file; 0600 from the first byte.
      const fh = await open(path, 'wx', 0o600);
      try {
        await fh.writeFile(launcherHtml(url), 'utf8');
      } finally {
        await fh.close();
      }
      const timer = setTimeout(() => remove(id), ttlMs);
      timer.unref?.();
      files.set(id, { path, timer });
      return pathToFileURL(path).href;
    },
    remove,
    removeAll() {
      for (const id of [...files.keys()]) {
        const f = files.get(id)!;
        files.delete(id);
        clearTimeout(f.timer);
        try {
          unlinkSync(f.path);
        } catch {
          // Gone already.
        }
      }
    },
  };
}
