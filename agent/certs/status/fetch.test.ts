// The fetch guard with a fixed name table: names resolving to any non-public address are refused before a socket
// opens, and a redirect is never followed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkUrl, createNodeFetch, guardedLookup, type Resolve } from './fetch.js';

const table: Record<string, string[]> = {
  'mapped.example.vn': ['::ffff:127.0.0.1'],
  'translated.example.vn': ['::ffff:0:10.0.0.1'],
  'nat64.example.vn': ['64:ff9b::c0a8:101'],
  'nat64-local.example.vn': ['64:ff9b:1::808:808'],
  'sixtofour.example.vn': ['2002:a9fe:a9fe::1'],
  'sitelocal.example.vn': ['fec0::53'],
  'teredo.example.vn': ['2001:0:4136:e378:8000:63bf:80ff:fffe'],
  'mixed.example.vn': ['203.162.4.190', '10.0.0.7'],
  'loop.example.vn': ['127.0.0.1'],
  'public.example.vn': ['203.162.4.190'],
};
const resolve: Resolve = (name, cb) => {
  const list = table[name];
  if (!list) return cb(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);
  cb(null, list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
};

function lookupOnce(name: string, allowPrivate: boolean): Promise<{ err: (Error & { code?: string }) | null; address: string }> {
  return new Promise((done) => {
    guardedLookup(allowPrivate, resolve)(name, {}, (err, address) => done({ err, address: String(address) }));
  });
}

describe('guardedLookup', () => {
  it.each(Object.keys(table).filter((n) => n !== 'public.example.vn'))('%s is refused after resolution', async (name) => {
    const r = await lookupOnce(name, false);
    expect(r.err?.code).toBe('KYSO_REFUSED');
    expect(r.err?.message).toMatch(/non-public address/);
  });
  it('a public name resolves; policy fetchPrivateAddresses lets a private one through', async () => {
    expect(await lookupOnce('public.example.vn', false)).toMatchObject({ err: null, address: '203.162.4.190' });
    expect(await lookupOnce('loop.example.vn', true)).toMatchObject({ err: null, address: '127.0.0.1' });
  });
});

describe('checkUrl', () => {
  it.each([
    'http://0177.0.0.1/ocsp', 'http://2130706433/ocsp', 'http://0x7f.1/ocsp', 'http://10.1/ocsp', 'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:0:7f00:1]/', 'http://[64:ff9b:1::1]/', 'http://[2002:a00:1::1]/', 'http://[fec0::1]/', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/',
  ])('%s (an address literal in any spelling) is refused before any lookup', (url) => {
    expect(checkUrl(url, false)).toMatchObject({ ok: false });
  });
  it('a public literal and a name pass (names are judged after resolution)', () => {
    expect(checkUrl('http://203.162.4.190/ocsp', false)).toMatchObject({ ok: true });
    expect(checkUrl('http://ocsp.vnpt-ca.vn/responder', false)).toMatchObject({ ok: true });
  });
});

describe('createNodeFetch', () => {
  let servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    servers = [];
  });
  async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ port: number; hits: string[] }> {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      handler!(req, res);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { port: (server.address() as AddressInfo).port, hits };
  }

  it('a name resolving to loopback opens no socket: the listening server sees nothing', async () => {
    const target = await listen((_q, res) => res.end('secret'));
    const r = await createNodeFetch(resolve)({ url: `http://loop.example.vn:${target.port}/x`, method: 'GET' }, { timeoutMs: 2000, maxBytes: 1000, allowPrivate: false });
    expect(r).toMatchObject({ ok: false, refused: true });
    expect(target.hits).toEqual([]);
    // The same request with the policy exception does reach it (so the assertion above could fail).
    const allowed = await createNodeFetch(resolve)({ url: `http://loop.example.vn:${target.port}/x`, method: 'GET' }, { timeoutMs: 2000, maxBytes: 1000, allowPrivate: true });
    expect(allowed).toMatchObject({ ok: true });
    expect(target.hits).toEqual(['/x']);
  });

  it('a redirect is not followed, whatever its target', async () => {
    const target = await listen((_q, res) => res.end('secret'));
    const first = await listen((_q, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}/metadata` });
      res.end();
    });
    const r = await createNodeFetch(resolve)({ url: `http://127.0.0.1:${first.port}/ocsp`, method: 'GET' }, { timeoutMs: 2000, maxBytes: 1000, allowPrivate: true });
    expect(r).toMatchObject({ ok: false, refused: false, why: 'HTTP 302' });
    expect(first.hits).toEqual(['/ocsp']);
    expect(target.hits).toEqual([]);
  });
});
