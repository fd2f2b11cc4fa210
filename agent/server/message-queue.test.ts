// MessageQueue with an answer given as pieces (docs/security.md T22): fragments of one WebSocket message, in order,
// nothing else inside it, over a real ws pair on loopback.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { encodeBase64 } from '../core/protocol/encoding.js';
import { stringifyPieces } from '../core/protocol/json.js';
import { isTextPieces, type TextPieces } from '../core/protocol/pieces.js';
import { SLICE_CHARS, encodeBase64Sliced } from '../core/protocol/slices.js';
import { MessageQueue } from './large-text.js';

const MiB = 1024 * 1024;
const close: Array<() => void> = [];
afterEach(() => {
  for (const c of close.splice(0)) c();
});

/** A server socket and a client on loopback; the client's messages as strings. */
async function pair(): Promise<{ server: WebSocket; messages: string[]; arrived(n: number): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { maxPayload: 512 * MiB });
  const [server] = (await once(wss, 'connection')) as [WebSocket];
  await once(client, 'open');
  close.push(() => {
    client.terminate();
    wss.close();
  });
  const messages: string[] = [];
  const waiters: Array<() => void> = [];
  client.on('message', (data: Buffer, binary: boolean) => {
    expect(binary).toBe(false);
    messages.push(data.toString('utf8'));
    for (const w of waiters.splice(0)) w();
  });
  const arrived = async (n: number): Promise<void> => {
    while (messages.length < n) await new Promise<void>((r) => waiters.push(r));
  };
  return { server, messages, arrived };
}

describe('MessageQueue writes an answer’s pieces as the fragments of one message (T22)', () => {
  it('the pieces in order as one message, fin on the last only; a notification sent meanwhile comes after it', async () => {
    const { server, messages, arrived } = await pair();
    const frames: Array<{ length: number; fin: boolean }> = [];
    const queue = new MessageQueue((data, fin, done) => {
      frames.push({ length: data.length, fin });
      server.send(data, { binary: false, fin }, done);
    }, () => server.readyState === WebSocket.OPEN);
    const value = {
      jsonrpc: '2.0',
      id: 1,
      result: { pdf: await encodeBase64Sliced(new Uint8Array(3 * MiB).fill(7)), note: `${'é'.repeat(SLICE_CHARS - 1)}😀${'ư'.repeat(1000)}` },
    };
    const answer = await stringifyPieces(value);
    expect(isTextPieces(answer)).toBe(true);
    const count = (answer as TextPieces).pieces.length;
    const sent = queue.send(answer);
    // Queued while the answer's fragments are being written: must not land inside the message.
    void queue.send('{"jsonrpc":"2.0","method":"tokens.changed","params":{"tokens":[]}}');
    void queue.send(encodeBase64(new Uint8Array(2 * MiB).fill(1)));
    await sent;
    await arrived(3);
    expect(messages[0] === JSON.stringify(value)).toBe(true);
    expect(messages[1]).toBe('{"jsonrpc":"2.0","method":"tokens.changed","params":{"tokens":[]}}');
    expect(messages[2] === encodeBase64(new Uint8Array(2 * MiB).fill(1))).toBe(true);
    // The answer left as its pieces, one fragment each; only the last had fin.
    expect(frames.slice(0, count).map((f) => f.fin)).toEqual([...Array(count - 1).fill(false), true]);
    expect(frames.slice(0, count).reduce((n, f) => n + f.length, 0)).toBe((answer as TextPieces).length);
  });

  it('a socket closed mid-answer: the rest is not written, later sends still settle', async () => {
    const { server } = await pair();
    let open = true;
    const written: boolean[] = [];
    const queue = new MessageQueue((data, fin, done) => {
      written.push(fin);
      open = false;
      server.send(data, { binary: false, fin }, done);
    }, () => open);
    const answer = await stringifyPieces({ doc: await encodeBase64Sliced(new Uint8Array(3 * MiB).fill(2)) });
    await queue.send(answer);
    await queue.send('{"small":1}');
    expect(written).toEqual([false]);
  });
});
