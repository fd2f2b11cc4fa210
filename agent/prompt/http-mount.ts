// The '/ui/' mount: serves the dialog pages at /ui/<one-time token>, their state, answers and cancel beacons.
// The URL token opens the page once; the rest of the dialog's traffic is bound to that browser by a second secret
// in an HttpOnly cookie (defence in depth: the URL may leak, e.g. on a command line when no launcher folder is set,
// docs/security.md T1/T10).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/ports.js';
import { AnswerRejected, previewDocument, previewItem, type Dialog, type DialogPrompt } from './dialog-prompt.js';

/** The CSP of every dialog page: nothing but the agent itself, never framed, never posting forms anywhere. */
export const DIALOG_CSP = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'; object-src 'none'";

/** Answers are tiny JSON documents; anything bigger is not from our page. */
const MAX_BODY = 16 * 1024;
/** The verify page posts the file itself (base64 in JSON): 48 MiB of body, a 36 MiB file (docs/trust.md). */
export const MAX_VERIFY_BODY = 48 * 1024 * 1024;
const NOT_FOUND = Buffer.from('Not found\n');
const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8',
  // pdf.js (legacy build, eval off) and its worker, for the confirmation's page preview: served from the agent itself.
  'pdf.mjs': 'text/javascript; charset=utf-8', 'pdf.worker.mjs': 'text/javascript; charset=utf-8',
};
/** base64url of 32 random bytes. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
/** The cookie that binds a dialog to the browser that opened its page. Its path is the dialog's own URL. */
export const DIALOG_COOKIE = 'kyso_dialog';
/** A dialog cookie outlives no dialog by much: it is also cleared when the page answers or closes. */
const COOKIE_MAX_AGE_S = 12 * 60 * 60;

export interface UiMount {
  prefix: '/ui/';
  handle(req: IncomingMessage, res: ServerResponse): void;
}

export interface UiMountOptions {
  dialogs: DialogPrompt;
  logger: Logger;
  /** The agent's own origin, e.g. https://127.0.0.1:14433 — the only origin allowed to post answers. */
  baseUrl: () => string;
  /** Folder with index.html and assets/ (scripts/build-renderer.mjs output). */
  bundleDir: string;
  /** The dialog's page was served for the first time (the host then deletes its launcher file). */
  onPageServed?: (dialog: Dialog) => void;
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', DIALOG_CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  // No CORS headers at all: other origins can neither read nor drive a dialog.
  res.removeHeader('Access-Control-Allow-Origin');
}

function send(res: ServerResponse, status: number, body: Buffer | string, type: string): void {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length });
  res.end(buf);
}

/** Identical bytes for every unknown, used-up, expired or refused token, so none can be told apart. */
function notFound(res: ServerResponse): void {
  send(res, 404, NOT_FOUND, 'text/plain; charset=utf-8');
}

/** The origins that are "the agent itself" for the base URL: its loopback names on the same scheme and port. */
export function ownOrigins(baseUrl: string): Set<string> {
  const u = new URL(baseUrl);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return new Set([u.origin, `${u.protocol}//127.0.0.1:${port}`, `${u.protocol}//localhost:${port}`, `${u.protocol}//[::1]:${port}`]);
}

/** The Set-Cookie value that binds (or, with an empty secret, unbinds) the dialog at /ui/<id>. */
export function dialogCookie(id: string, secret: string, secure: boolean): string {
  const life = secret === '' ? 'Max-Age=0' : `Max-Age=${COOKIE_MAX_AGE_S}`;
  return `${DIALOG_COOKIE}=${secret}; Path=/ui/${id}; ${life}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Every value of our cookie in the request (a browser may send several with one name; any may match). */
function cookieValues(req: IncomingMessage): string[] {
  const header = req.headers.cookie;
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === DIALOG_COOKIE) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** Constant-time: does the request carry the dialog's cookie secret? */
function hasSecret(req: IncomingMessage, secret: Buffer): boolean {
  let ok = false;
  for (const v of cookieValues(req)) {
    const b = Buffer.from(v);
    // Lengths are public (always 43 characters); only equal-length values are compared, in constant time.
    if (b.length === secret.length && timingSafeEqual(b, secret)) ok = true;
  }
  return ok;
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(null));
  });
}

/** Builds the '/ui/' mount over the shared dialog machinery. */
export function createUiMount(options: UiMountOptions): UiMount {
  const { dialogs, logger } = options;
  /** The cookie secret of each dialog whose page was served. Weak: a closed dialog takes its secret with it. */
  const secrets = new WeakMap<Dialog, Buffer>();
  const secure = () => new URL(options.baseUrl()).protocol === 'https:';
  const cache = new Map<string, Buffer>();
  const file = async (rel: string): Promise<Buffer> => {
    let b = cache.get(rel);
    if (!b) {
      b = await readFile(join(options.bundleDir, rel));
      cache.set(rel, b);
    }
    return b;
  };

  /** Requests that change or read a dialog must come from the agent's own page. */
  const fromOwnPage = (req: IncomingMessage, needOrigin: boolean): boolean => {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') return false;
    const origin = req.headers.origin;
    if (origin === undefined) return !needOrigin;
    return ownOrigins(options.baseUrl()).has(origin.toLowerCase());
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    securityHeaders(res);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const parts = path.slice('/ui/'.length).split('/');
    const [first = '', action, extra] = parts;
    if (first === 'assets' && action && extra === undefined && action in ASSETS && req.method === 'GET') {
      send(res, 200, await file(join('assets', action)), ASSETS[action] ?? 'application/octet-stream');
      return;
    }
    // Only /ui/<id>/document/<item> (a batch item's PDF) has a third part.
    if (!TOKEN_RE.test(first) || parts.length > 3 || (extra !== undefined && action !== 'document')) return notFound(res);
    const dialog = dialogs.get(first);
    if (!dialog) return notFound(res);

    if (action === undefined && req.method === 'GET') {
      // Only a top-level navigation may open the page (not a frame, an image, a prefetch…); those do not use up the URL.
      const dest = req.headers['sec-fetch-dest'];
      if (dest !== undefined && dest !== 'document') return notFound(res);
      if (secrets.has(dialog)) {
        // Single use: the page was served already (a reload, a second tab, or someone who read the URL elsewhere
        // and came first). Answer exactly like an unknown token, and end the dialog: the page the user sees can no
        // longer be trusted to be the only one. The site retries and a fresh dialog opens.
        logger.warn('ui.page.reused', { page: dialog.page });
        dialogs.cancel(first);
        return notFound(res);
      }
      const secret = randomBytes(32).toString('base64url');
      secrets.set(dialog, Buffer.from(secret));
      const html = await file('index.html');
      res.setHeader('Set-Cookie', dialogCookie(first, secret, secure()));
      send(res, 200, html, 'text/html; charset=utf-8');
      options.onPageServed?.(dialog);
      return;
    }
    // Everything else about a dialog needs the cookie its page received: the URL token alone is not enough.
    const secret = secrets.get(dialog);
    if (!secret || !hasSecret(req, secret)) return notFound(res);
    if (action === 'state' && req.method === 'GET') {
      if (!fromOwnPage(req, false)) return notFound(res);
      dialogs.touch(first);
      send(res, 200, JSON.stringify(dialog.state), 'application/json; charset=utf-8');
      return;
    }
    if (action === 'document' && req.method === 'GET') {
      // The PDF the confirmation renders with its stamp (docs/security.md T24): only to the dialog's own page, while
      // it asks; /document for a sign.pdf, /document/<item> for a batch item. A view of the bytes, never a copy.
      const item = previewItem(extra);
      const pdf = item === null || !fromOwnPage(req, false) ? undefined : previewDocument(dialog, item);
      if (!pdf) return notFound(res);
      send(res, 200, Buffer.from(pdf.buffer, pdf.byteOffset, pdf.length), 'application/pdf');
      return;
    }
    if (action === 'answer' && req.method === 'POST') {
      const type = req.headers['content-type'] ?? '';
      if (!fromOwnPage(req, true) || !type.toLowerCase().startsWith('application/json')) {
        logger.warn('ui.answer.refused', { why: 'origin' });
        return notFound(res);
      }
      const body = await readBody(req, dialog.page === 'verify' ? MAX_VERIFY_BODY : MAX_BODY);
      if (body === null) return send(res, 413, 'Too large\n', 'text/plain; charset=utf-8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = undefined;
      } finally {
        body.fill(0); // the PIN was in there
      }
      try {
        await dialogs.answer(first, parsed);
      } catch (e) {
        if (e instanceof AnswerRejected) return e.status === 404 ? notFound(res) : send(res, e.status, e.status === 409 ? 'Conflict\n' : 'Bad request\n', 'text/plain; charset=utf-8');
        throw e;
      }
      // A question page's answer ends its dialog: drop the cookie with it.
      if (!dialogs.get(first)) res.setHeader('Set-Cookie', dialogCookie(first, '', secure()));
      res.writeHead(204);
      res.end();
      return;
    }
    if (action === 'cancel' && req.method === 'POST') {
      if (!fromOwnPage(req, true)) return notFound(res);
      await readBody(req, MAX_BODY);
      dialogs.cancel(first);
      res.setHeader('Set-Cookie', dialogCookie(first, '', secure()));
      res.writeHead(204);
      res.end();
      return;
    }
    notFound(res);
  };

  return {
    prefix: '/ui/',
    handle(req, res) {
      route(req, res).catch((e: unknown) => {
        logger.error('ui.http.error', { error: e instanceof Error ? e.message : String(e) });
        if (!res.headersSent) send(res, 500, 'Error\n', 'text/plain; charset=utf-8');
        else res.destroy();
      });
    },
  };
}
