// A JSON-RPC message of 1 MiB or more reaches the dispatcher as its UTF-8 bytes (docs/security.md "Large messages
// from approved sites"), over real sockets: a WebSocket text or binary frame and an HTTP body; the same acceptance
// rules as the text (a binary frame or body that is not UTF-8 → PARSE_ERROR, the dispatcher never called); smaller
// messages, and endpoints that read text (the VNPT-compatible listener's kind), as text.
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionContext, MessageText } from '../../agent/core/index.js';
import { ALLOWED, echoDispatcher, httpCall, startHarness, textOf, wsCall, wsTry, type Harness } from './harness.js';

const MiB = 1024 * 1024;
let h: Harness;
/** What each message reached the dispatcher as, and its size. */
let seen: Array<{ as: 'text' | 'bytes'; size: number; bytes?: Buffer }>;
/** What the text-only endpoint got. */
let textOnly: number[];

const record = (raw: string | Uint8Array, ctx: ConnectionContext): Promise<MessageText | null> => {
  seen.push(typeof raw === 'string' ? { as: 'text', size: raw.length } : { as: 'bytes', size: raw.length, bytes: Buffer.from(raw) });
  return echoDispatcher.handle(raw, ctx);
};

beforeAll(async () => {
  h = await startHarness({
    dispatcher: { handle: record },
    sockets: {
      '/v1/ws': { transport: 'ws', open: (ctx) => ({ handle: (text: string) => record(text, ctx), handleBytes: (bytes: Uint8Array) => record(bytes, ctx) }) },
      // As the VNPT-compatible listener's /plugin: a handler of text only.
      '/text': { transport: 'vnpt', open: (ctx) => ({ handle: (text: string) => (textOnly.push(text.length), echoDispatcher.handle(text, ctx)) }) },
    },
  });
});
afterAll(async () => {
  await h.server.close();
});

async function open(path = '/v1/ws'): Promise<WebSocket> {
  const r = await wsTry(h, 'wss', { Origin: ALLOWED, Host: `127.0.0.1:${h.tlsPort}` }, path);
  if (!r.opened) throw new Error(`refused ${r.status}`);
  return r.ws;
}

/** A JSON-RPC message of `size` bytes or more, with non-ASCII text in it. */
const message = (id: number, size: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'x', params: { name: 'Tờ trình', pad: 'A'.repeat(size) } });

describe('T22: a large message goes to the dispatcher as bytes', () => {
  it('over the server’s default /v1/ws: large text and binary frames as their bytes, a small one as text', async () => {
    const local = await startHarness({ dispatcher: { handle: record } });
    try {
      seen = [];
      const r = await wsTry(local, 'wss', { Origin: ALLOWED, Host: `127.0.0.1:${local.tlsPort}` });
      if (!r.opened) throw new Error('refused');
      const big = message(1, MiB);
      expect((await wsCall(r.ws, big, 1)).result).toMatchObject({ as: 'bytes' });
      const bin = Buffer.from(message(2, 2 * MiB));
      const reply = new Promise<string>((res) => r.ws.once('message', (d) => res(d.toString())));
      r.ws.send(bin, { binary: true });
      expect(JSON.parse(await reply).result).toMatchObject({ as: 'bytes' });
      expect((await wsCall(r.ws, message(3, 10), 3)).result).not.toHaveProperty('as');
      expect(seen.map((s) => s.as)).toEqual(['bytes', 'bytes', 'text']);
      expect(seen[0]!.bytes!.equals(Buffer.from(big))).toBe(true);
      expect(seen[1]!.bytes!.equals(bin)).toBe(true);
      r.ws.close();
    } finally {
      await local.server.close();
    }
  });

  it('a large binary frame that is not UTF-8 is PARSE_ERROR, never handed over, and the connection stays usable', async () => {
    seen = [];
    const ws = await open();
    const bad = Buffer.from(message(4, MiB));
    bad[bad.length - 100] = 0xff;
    const first = new Promise<string>((res) => ws.once('message', (d) => res(d.toString())));
    ws.send(bad, { binary: true });
    expect(JSON.parse(await first).error.data.reason).toBe('PARSE_ERROR');
    expect((await wsCall(ws, message(5, MiB), 5)).result).toMatchObject({ as: 'bytes' });
    expect(seen.map((s) => s.size)).toEqual([Buffer.byteLength(message(5, MiB))]);
    ws.close();
  });

  it('an endpoint that reads text gets a large message as text', async () => {
    textOnly = [];
    const ws = await open('/text');
    const big = message(6, 2 * MiB);
    expect((await wsCall(ws, big, 6)).result).not.toHaveProperty('as');
    expect(textOnly).toEqual([big.length]);
    ws.close();
  });

  it('POST /v1/rpc: a large body as its bytes, one that is not UTF-8 → PARSE_ERROR without the dispatcher', async () => {
    seen = [];
    const headers = { Host: `127.0.0.1:${h.tlsPort}`, Origin: ALLOWED, 'Content-Type': 'application/json' };
    const body = Buffer.from(message(7, MiB));
    const ok = await httpCall(h, 'https', 'POST', '/v1/rpc', headers, body);
    expect(JSON.parse(ok.body).result).toMatchObject({ as: 'bytes' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.bytes!.equals(body)).toBe(true);
    const bad = Buffer.from(body);
    bad[50] = 0xc3;
    const refused = await httpCall(h, 'https', 'POST', '/v1/rpc', headers, bad);
    expect(JSON.parse(refused.body).error.data.reason).toBe('PARSE_ERROR');
    expect(seen).toHaveLength(1);
    const small = await httpCall(h, 'https', 'POST', '/v1/rpc', headers, message(8, 100));
    expect(JSON.parse(small.body).result).not.toHaveProperty('as');
    expect(seen.map((s) => s.as)).toEqual(['bytes', 'text']);
    expect(textOf(seen[0]!.bytes!)).toBe(body.toString());
  });
});
