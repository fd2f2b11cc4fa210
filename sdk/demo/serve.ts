// A tiny static server for the demo portal (npm start → http://localhost:14480): the page, sdk/dist and its demo bundle.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DemoPortalOptions {
  /** Default 14480; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Repository root (default: found by walking up to kyso-agent's package.json). */
  root?: string;
}

export interface DemoPortal {
  port: number;
  /** http://localhost:<port>/ — "localhost" is a secure context, as an https portal would be. */
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.pdf': 'application/pdf', '.xml': 'application/xml; charset=utf-8',
  '.md': 'text/plain; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml', '.map': 'application/json',
};

const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  'connect-src \'self\' https://127.0.0.1:* http://127.0.0.1:* wss://127.0.0.1:* ws://127.0.0.1:*',
  "frame-ancestors 'none'",
].join('; ');

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kyso-agent') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('demo portal: repository root not found');
    dir = up;
  }
}

/** URL path → file: the page and stylesheet, or a file inside sdk/dist (no traversal). */
function resolvePath(root: string, urlPath: string): string | null {
  const routes: Array<[prefix: string, dir: string]> = [
    ['/demo/dist/', join(root, 'sdk/dist/demo')],
    ['/sdk/', join(root, 'sdk/dist')],
  ];
  if (urlPath === '/' || urlPath === '/index.html') return join(root, 'sdk/demo/index.html');
  if (urlPath === '/demo/styles.css') return join(root, 'sdk/demo/styles.css');
  if (urlPath === '/install') return join(root, 'README.md');
  for (const [prefix, dir] of routes) {
    if (!urlPath.startsWith(prefix)) continue;
    const file = normalize(join(dir, urlPath.slice(prefix.length)));
    return file.startsWith(dir + sep) ? file : null;
  }
  return null;
}

/** Starts the demo portal's static server. */
export async function startDemoPortal(options: DemoPortalOptions = {}): Promise<DemoPortal> {
  const root = options.root ?? findRoot();
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    const headers = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-cache' };
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, headers).end();
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return void res.writeHead(400, headers).end();
    }
    const file = resolvePath(root, path);
    if (!file) return void res.writeHead(404, headers).end('not found');
    readFile(file).then((data) => {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP });
      res.end(req.method === 'HEAD' ? undefined : data);
    }, () => res.writeHead(404, headers).end('not found'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 14480, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://localhost:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
