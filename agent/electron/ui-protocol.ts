// The kyso-ui:// scheme that serves the renderer bundle to agent windows, with the same CSP as the browser host:
// the page, its script and styles, and pdf.js with its worker for the confirmation's page preview (docs/security.md
// T24), all from 'self'. The dialog's documents never go through here (the page would have to name them): the
// preload hands them over IPC, bound to the window (ipc.ts).
import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { protocol } from 'electron';
import { DIALOG_CSP } from '../prompt/http-mount.js';

export const UI_SCHEME = 'kyso-ui';
/** Every dialog window loads exactly this URL; IPC senders are checked against it. */
export const UI_PAGE_URL = `${UI_SCHEME}://app/index.html`;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** Must run before app 'ready': a standard, secure scheme so 'self' in the CSP means kyso-ui://app. */
export function registerUiScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: UI_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false, stream: false } }]);
}

/** Answers a kyso-ui:// request from the bundle folder; anything outside it or unknown is 404. */
export async function serveUi(bundleDir: string, url: string): Promise<Response> {
  const u = new URL(url);
  const headers = { 'Content-Security-Policy': DIALOG_CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
  const rel = normalize(decodeURIComponent(u.pathname)).replace(/^[/\\]+/, '');
  const ext = rel.slice(rel.lastIndexOf('.'));
  const full = join(bundleDir, rel);
  if (u.host !== 'app' || !TYPES[ext] || !full.startsWith(bundleDir + sep)) return new Response('Not found', { status: 404, headers });
  try {
    return new Response(await readFile(full), { status: 200, headers: { ...headers, 'Content-Type': TYPES[ext] } });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}

/** Installs the handler (after 'ready'). */
export function handleUiScheme(bundleDir: string): void {
  protocol.handle(UI_SCHEME, (req) => serveUi(bundleDir, req.url));
}
