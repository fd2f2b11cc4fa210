// docs/security.md T22 over the real listeners: an answer the dispatcher gives as pieces reaches a wss client as one
// message and an https client as one body, byte for byte the text JSON.stringify makes, with a notification sent
// meanwhile arriving after the message, never inside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConnectionContext, MessageText } from '../../agent/core/index.js';
import { isTextPieces, stringifyPieces } from '../../agent/core/index.js';
import { encodeBase64Sliced } from '../../agent/core/protocol/slices.js';
import { ALLOWED, echoDispatcher, httpCall, startHarness, type Harness } from './harness.js';

const MiB = 1024 * 1024;
const NOTE = '{"jsonrpc":"2.0","method":"tokens.changed","params":{"tokens":[]}}';
let h: Harness;
/** The answers by method: built fresh for each call (a document's slices are spliced into one answer only). */
const answers: Record<string, (id: unknown) => Promise<{ value: unknown; text: MessageText }>> = {
  async ascii(id) {
    const value = { jsonrpc: '2.0', id, result: { pdf: await encodeBase64Sliced(new Uint8Array(5 * MiB + 1).fill(0x25)), repaired: true } };
    return { value, text: await stringifyPieces(value) };
  },
  async mixed(id) {
    const value = {
      jsonrpc: '2.0', id,
      result: { results: [{ ok: true, result: { xml: await encodeBase64Sliced(new Uint8Array(2 * MiB).fill(0x3c)) } }, { ok: true, result: { note: `${'ế'.repeat(MiB - 1)}😀${'ư'.repeat(MiB)}` } }] },
    };
    return { value, text: await stringifyPieces(value) };
  },
};
const expected = new Map<unknown, string>();

beforeAll(async () => {
  h = await startHarness({
    dispatcher: {
      handle: async (raw: string, ctx: ConnectionContext) => {
        const msg = JSON.parse(raw) as { id: unknown; method: string };
        const make = answers[msg.method];
        if (!make) return echoDispatcher.handle(raw, ctx);
        const { value, text } = await make(msg.id);
        expect(isTextPieces(text)).toBe(true);
        expected.set(msg.id, JSON.stringify(value));
        // A notification while the answer's fragments are being written.
        setTimeout(() => ctx.notify?.(NOTE), 0);
        return text;
      },
    },
  });
});
afterAll(async () => {
  await h.server.close();
});

describe('an answer given as pieces, over the real listeners (T22)', () => {
  it('wss: one message, today’s bytes, the notification after it', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${h.tlsPort}/v1/ws`, { headers: { Origin: ALLOWED }, ca: h.caPem, perMessageDeflate: false, maxPayload: 256 * MiB });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const got: Buffer[] = [];
    ws.on('message', (data: Buffer) => got.push(data));
    for (const [id, method] of [[1, 'ascii'], [2, 'mixed']] as const) {
      got.length = 0;
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method }));
      while (got.length < 2) await new Promise((r) => setTimeout(r, 20));
      expect(got[0]!.equals(Buffer.from(expected.get(id)!, 'utf8'))).toBe(true);
      expect(got[1]!.toString('utf8')).toBe(NOTE);
    }
    ws.close();
  });

  it('https: one body of today’s bytes with its Content-Length, ASCII or not', async () => {
    for (const [id, method] of [[3, 'ascii'], [4, 'mixed']] as const) {
      const reply = await httpCall(h, 'https', 'POST', '/v1/rpc', { Host: `127.0.0.1:${h.tlsPort}`, Origin: ALLOWED, 'Content-Type': 'application/json' }, JSON.stringify({ jsonrpc: '2.0', id, method }));
      expect(reply.status).toBe(200);
      const want = expected.get(id)!;
      expect(reply.body === want).toBe(true);
      expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(want, 'utf8'));
    }
  });
});
