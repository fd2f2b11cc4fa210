// docs/security.md T2–T4 over real sockets: origin and Host matrices on wss, ws and POST /v1/rpc; refusals byte-identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED, BLOCKED, httpCall, rawExchange, startHarness, wsTry, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.server.close();
});

type Expect = 'refused' | 'approved' | 'pairable' | 'unknown';
/** Origin header value (undefined: header absent) → what the transport must do with it. */
const ORIGINS: Array<[string, string | undefined, Expect]> = [
  ['missing', undefined, 'refused'],
  ['null', 'null', 'refused'],
  ['empty', '', 'refused'],
  ['blocked by policy', BLOCKED, 'refused'],
  ['allowed exactly', ALLOWED, 'approved'],
  // Browsers send lower case and never the default port: anything else is not a browser posing as the portal.
  ['allowed, upper case', 'HTTPS://PORTAL.EXAMPLE.VN', 'refused'],
  ['allowed, explicit default port', 'https://portal.example.vn:443', 'refused'],
  ['allowed, trailing slash', `${ALLOWED}/`, 'refused'],
  ['http instead of https', 'http://portal.example.vn', 'unknown'],
  ['other port', 'https://portal.example.vn:8443', 'pairable'],
  ['suffix attack', 'https://portal.example.vn.evil', 'pairable'],
  ['allowed.example.evil', 'https://allowed.example.evil', 'pairable'],
  ['prefix attack', 'https://evilportal.example.vn', 'pairable'],
  ['trailing dot', 'https://portal.example.vn.', 'pairable'],
  ['punycode look-alike (Cyrillic о)', `https://${new URL('https://pоrtal.example.vn').host}`, 'pairable'],
  ['with path', 'https://portal.example.vn/x', 'refused'],
  ['with credentials', 'https://a@portal.example.vn', 'refused'],
  ['two origins', `${ALLOWED} https://evil.example`, 'refused'],
  ['file scheme', 'file://', 'refused'],
  ['chrome-extension', 'chrome-extension://abcdefghijklmnop', 'refused'],
  ['blocked, upper case', BLOCKED.toUpperCase(), 'refused'],
];

function headersFor(origin: string | undefined, host: string): Record<string, string> {
  const headers: Record<string, string> = { Host: host };
  if (origin !== undefined) headers.Origin = origin;
  return headers;
}

describe('origin matrix', () => {
  for (const scheme of ['https', 'http'] as const) {
    for (const [name, origin, expected] of ORIGINS) {
      it(`${scheme} discovery + /v1/rpc: ${name} → ${expected}`, async () => {
        const port = scheme === 'https' ? h.tlsPort : h.plainPort;
        const headers = headersFor(origin, `127.0.0.1:${port}`);
        const disc = await httpCall(h, scheme, 'GET', '/.well-known/kyso-agent', headers);
        const rpc = await httpCall(h, scheme, 'POST', '/v1/rpc', { ...headers, 'Content-Type': 'application/json' }, '{"jsonrpc":"2.0","id":1,"method":"agent.info"}');
        if (expected === 'refused') {
          expect(disc.status).toBe(403);
          expect(rpc.status).toBe(403);
          expect(disc.headers['access-control-allow-origin']).toBeUndefined();
          expect(JSON.parse(rpc.body).error.data.reason).toBe('ORIGIN_NOT_ALLOWED');
          return;
        }
        expect(disc.status).toBe(200);
        const info = JSON.parse(disc.body) as Record<string, unknown>;
        expect(info.name).toBe('kyso-agent');
        expect(info.protocol).toBe(1);
        // Only approved origins learn the version (T4 fingerprinting).
        expect('version' in info).toBe(expected === 'approved');
        const acao = disc.headers['access-control-allow-origin'];
        if (expected === 'unknown') expect(acao).toBeUndefined();
        else expect(acao).toBe(origin!.toLowerCase().replace(/:443$/, ''));
        expect(disc.headers.vary).toBe('Origin');
        expect(rpc.status).toBe(200);
        expect(JSON.parse(rpc.body).result.transport).toBe('http');
      });
    }
  }

  for (const scheme of ['wss', 'ws'] as const) {
    for (const [name, origin, expected] of ORIGINS) {
      it(`${scheme} upgrade: ${name} → ${expected === 'refused' ? 'refused' : 'accepted'}`, async () => {
        const port = scheme === 'wss' ? h.tlsPort : h.plainPort;
        const r = await wsTry(h, scheme, headersFor(origin, `127.0.0.1:${port}`));
        if (expected === 'refused') {
          expect(r.opened).toBe(false);
          if (!r.opened) expect(r.status).toBe(403);
        } else {
          expect(r.opened).toBe(true);
          if (r.opened) r.ws.close();
        }
      });
    }
  }
});

describe('Host matrix (DNS rebinding, T3)', () => {
  const hosts = (port: number): Array<[string, string | undefined, boolean]> => [
    ['127.0.0.1:port', `127.0.0.1:${port}`, true],
    ['localhost:port', `localhost:${port}`, true],
    ['LOCALHOST:port', `LOCALHOST:${port}`, true],
    ['[::1]:port', `[::1]:${port}`, true],
    ['no port', '127.0.0.1', false],
    ['other port', `127.0.0.1:${port + 1}`, false],
    ['rebinding name', `evil.example:${port}`, false],
    ['localhost suffix', `localhost.evil.example:${port}`, false],
    ['sub.localhost', `a.localhost:${port}`, false],
    ['trailing dot', `localhost.:${port}`, false],
    ['127.0.0.2', `127.0.0.2:${port}`, false],
    ['decimal IP', `2130706433:${port}`, false],
    ['0.0.0.0', `0.0.0.0:${port}`, false],
    ['empty', '', false],
    ['absent', undefined, false],
  ];
  for (const scheme of ['https', 'http'] as const) {
    it(`${scheme}: only loopback names with our exact port pass`, async () => {
      const port = scheme === 'https' ? h.tlsPort : h.plainPort;
      for (const [name, host, ok] of hosts(port)) {
        const headers: Record<string, string> = { Origin: ALLOWED };
        if (host !== undefined) headers.Host = host;
        const r = await httpCall(h, scheme, 'GET', '/.well-known/kyso-agent', headers);
        // Node itself answers 400 to an HTTP/1.1 request without Host; every other bad Host gets our 403.
        expect([name, r.status]).toEqual([name, ok ? 200 : host === undefined ? 400 : 403]);
        // The ws client fills in a missing/empty Host itself; those two cases are covered by the raw tests below.
        if (!host) continue;
        const w = await wsTry(h, scheme === 'https' ? 'wss' : 'ws', headers);
        expect([name, w.opened]).toEqual([name, ok]);
        if (w.opened) w.ws.close();
      }
    });
  }
});

describe('refusals are identical (T4)', () => {
  // Includes a raw (non-punycode) unicode look-alike, sent as UTF-8 bytes the way a hostile client could.
  const refused = [undefined, 'null', BLOCKED, 'https://pоrtal.example.vn', 'https://x.example/path', ''];
  for (const scheme of ['https', 'http'] as const) {
    it(`${scheme}: HTTP 403 and refused upgrades carry the same bytes for every refused origin and host`, async () => {
      const port = scheme === 'https' ? h.tlsPort : h.plainPort;
      const httpRefusals: Buffer[] = [];
      const upgradeRefusals: Buffer[] = [];
      const variants = [...refused.map((o) => ({ origin: o, host: `127.0.0.1:${port}` })), { origin: ALLOWED, host: `evil.example:${port}` }];
      for (const v of variants) {
        const originLine = v.origin === undefined ? '' : `Origin: ${v.origin}\r\n`;
        httpRefusals.push(await rawExchange(h, scheme, `GET /.well-known/kyso-agent HTTP/1.1\r\nHost: ${v.host}\r\n${originLine}Connection: close\r\n\r\n`));
        upgradeRefusals.push(
          await rawExchange(h, scheme, `GET /v1/ws HTTP/1.1\r\nHost: ${v.host}\r\n${originLine}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`),
        );
      }
      expect(httpRefusals[0]!.toString('latin1')).toMatch(/^HTTP\/1\.1 403 /);
      expect(upgradeRefusals[0]!.toString('latin1')).toMatch(/^HTTP\/1\.1 403 /);
      for (const r of httpRefusals) expect(r.equals(httpRefusals[0]!)).toBe(true);
      for (const r of upgradeRefusals) expect(r.equals(upgradeRefusals[0]!)).toBe(true);
      // No Date, no Server banner: nothing in a refusal varies or identifies the software.
      expect(httpRefusals[0]!.toString('latin1')).not.toMatch(/\r\n(date|server):/i);
    });
  }
});

describe('CORS and headers', () => {
  it('preflight answers Private Network Access for an approved origin', async () => {
    const r = await httpCall(h, 'https', 'OPTIONS', '/v1/rpc', {
      Host: `127.0.0.1:${h.tlsPort}`,
      Origin: ALLOWED,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Private-Network': 'true',
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(r.headers['access-control-allow-private-network']).toBe('true');
    expect(r.headers['access-control-allow-methods']).toContain('POST');
  });

  it('pairing off: an origin not on the allowlist is refused at the door with the bytes of every refusal', async () => {
    // Same server: pairing on → a pairable origin gets CORS and its socket.
    const on = await httpCall(h, 'https', 'GET', '/.well-known/kyso-agent', { Host: `127.0.0.1:${h.tlsPort}`, Origin: 'https://new.example' });
    expect(on.headers['access-control-allow-origin']).toBe('https://new.example');
    const onWs = await wsTry(h, 'wss', { Host: `127.0.0.1:${h.tlsPort}`, Origin: 'https://new.example' });
    expect(onWs.opened).toBe(true);
    if (onWs.opened) onWs.ws.close();
    const off = await startHarness({ policy: { allowPairing: false } });
    try {
      const rpc = (origin: string): string => `POST /v1/rpc HTTP/1.1\r\nHost: 127.0.0.1:${off.tlsPort}\r\nOrigin: ${origin}\r\nContent-Type: application/json\r\nContent-Length: 49\r\nConnection: close\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"agent.info"}   `;
      const upgrade = (origin: string): string => `GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1:${off.tlsPort}\r\nOrigin: ${origin}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
      for (const make of [rpc, upgrade]) {
        const stranger = await rawExchange(off, 'https', make('https://new.example'));
        const blocked = await rawExchange(off, 'https', make(BLOCKED));
        expect(stranger.toString('latin1')).toMatch(/^HTTP\/1\.1 403 /);
        expect(stranger.equals(blocked)).toBe(true);
      }
      // Insecure origins are never pairable: refused at the door too once pairing is off.
      expect((await httpCall(off, 'https', 'GET', '/.well-known/kyso-agent', { Host: `127.0.0.1:${off.tlsPort}`, Origin: 'http://new.example' })).status).toBe(403);
      // The allowlist still gets in, with security headers and no Server banner.
      const r = await httpCall(off, 'https', 'GET', '/.well-known/kyso-agent', { Host: `127.0.0.1:${off.tlsPort}`, Origin: ALLOWED });
      expect(r.status).toBe(200);
      expect(r.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers.server).toBeUndefined();
      const ws = await wsTry(off, 'wss', { Host: `127.0.0.1:${off.tlsPort}`, Origin: ALLOWED });
      expect(ws.opened).toBe(true);
      if (ws.opened) ws.ws.close();
    } finally {
      await off.server.close();
    }
  });

});
