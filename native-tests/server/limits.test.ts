// Transport limits over real sockets: oversize frame → 1009 PAYLOAD_TOO_LARGE, oversize body → 413, connections
// per origin, AbortSignal on close, and shutdown answering in-flight requests.
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED, httpCall, startHarness, wsCall, wsTry, type Harness } from './harness.js';

const CAP = 64 * 1024;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ limits: { maxPayloadBytes: CAP, maxConnectionsPerOrigin: 3, shutdownGraceMs: 300 } });
});
afterAll(async () => {
  await h.server.close();
});

async function open(scheme: 'wss' | 'ws' = 'wss', origin = ALLOWED): Promise<WebSocket> {
  const port = scheme === 'wss' ? h.tlsPort : h.plainPort;
  const r = await wsTry(h, scheme, { Origin: origin, Host: `127.0.0.1:${port}` });
  if (!r.opened) throw new Error(`refused ${r.status}`);
  return r.ws;
}

describe('payload limits', () => {
  for (const scheme of ['wss', 'ws'] as const) {
    it(`${scheme}: a frame above the cap closes the socket with 1009 and reason PAYLOAD_TOO_LARGE`, async () => {
      const ws = await open(scheme);
      const ok = await wsCall(ws, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'x', params: { pad: 'a'.repeat(CAP - 100) } }), 1);
      expect(ok.result).toBeDefined();
      const closed = new Promise<[number, string]>((resolve) => ws.once('close', (code, reason) => resolve([code, reason.toString()])));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'x', params: { pad: 'a'.repeat(CAP + 1) } }));
      expect(await closed).toEqual([1009, 'PAYLOAD_TOO_LARGE']);
    });
  }

  it('HTTP body above the cap → 413 with a JSON-RPC PAYLOAD_TOO_LARGE error; the server keeps serving', async () => {
    const headers = { Host: `127.0.0.1:${h.tlsPort}`, Origin: ALLOWED, 'Content-Type': 'application/json' };
    const big = await httpCall(h, 'https', 'POST', '/v1/rpc', headers, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'x', params: { pad: 'b'.repeat(CAP) } }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error.data.reason).toBe('PAYLOAD_TOO_LARGE');
    expect(big.headers['access-control-allow-origin']).toBe(ALLOWED);
    const small = await httpCall(h, 'https', 'POST', '/v1/rpc', headers, '{"jsonrpc":"2.0","id":2,"method":"x"}');
    expect(small.status).toBe(200);
  });

  it('chunked HTTP body above the cap (no Content-Length) → 413', async () => {
    const headers = { Host: `127.0.0.1:${h.plainPort}`, Origin: ALLOWED, 'Transfer-Encoding': 'chunked' };
    const r = await httpCall(h, 'http', 'POST', '/v1/rpc', headers, Buffer.alloc(CAP + 10, 0x20));
    expect(r.status).toBe(413);
  });
});

describe('connections and lifetimes', () => {
  it('caps open connections per origin, other origins unaffected, and frees the slot on close', async () => {
    const socks = [await open(), await open(), await open()];
    const fourth = await wsTry(h, 'wss', { Origin: ALLOWED, Host: `127.0.0.1:${h.tlsPort}` });
    expect(fourth.opened).toBe(false);
    if (!fourth.opened) expect(fourth.status).toBe(429);
    const other = await open('wss', 'https://other.example');
    other.close();
    const closed = new Promise((r) => socks[0]!.once('close', r));
    socks[0]!.close();
    await closed;
    await new Promise((r) => setTimeout(r, 50));
    const again = await open();
    for (const s of [again, socks[1]!, socks[2]!]) s.close();
  });

  it('closing the socket aborts the connection signal (dialogs die with the tab)', async () => {
    let seen: AbortSignal | undefined;
    const local = await startHarness({
      dispatcher: {
        handle: (_raw, ctx) => {
          seen = ctx.signal;
          return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(null)));
        },
      },
    });
    try {
      const r = await wsTry(local, 'wss', { Origin: ALLOWED, Host: `127.0.0.1:${local.tlsPort}` });
      if (!r.opened) throw new Error('refused');
      r.ws.send('{"jsonrpc":"2.0","id":1,"method":"wait"}');
      await new Promise((res) => setTimeout(res, 100));
      expect(seen?.aborted).toBe(false);
      r.ws.terminate();
      await new Promise((res) => setTimeout(res, 100));
      expect(seen?.aborted).toBe(true);
    } finally {
      await local.server.close();
    }
  });

  it('shutdown answers in-flight requests (aborting what still waits) before closing with 1001', async () => {
    const local = await startHarness({ limits: { shutdownGraceMs: 200 } });
    const r = await wsTry(local, 'wss', { Origin: ALLOWED, Host: `127.0.0.1:${local.tlsPort}` });
    if (!r.opened) throw new Error('refused');
    const closed = new Promise<number>((res) => r.ws.once('close', (code) => res(code)));
    const reply = wsCall(r.ws, '{"jsonrpc":"2.0","id":9,"method":"slow"}', 9);
    await new Promise((res) => setTimeout(res, 50));
    await local.server.close();
    expect((await reply).result).toEqual({ aborted: true });
    expect(await closed).toBe(1001);
  });

  it('binary frames with invalid UTF-8 get PARSE_ERROR and the connection stays usable', async () => {
    const ws = await open();
    const first = new Promise<string>((res) => ws.once('message', (d) => res(d.toString())));
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: true });
    expect(JSON.parse(await first).error.data.reason).toBe('PARSE_ERROR');
    const ok = await wsCall(ws, '{"jsonrpc":"2.0","id":3,"method":"x"}', 3);
    expect(ok.result).toBeDefined();
    ws.close();
  });
});
