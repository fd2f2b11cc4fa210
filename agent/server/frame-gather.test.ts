// docs/security.md T22: a large frame is gathered chunk by chunk into one buffer, so ws neither copies nor
// unmasks the whole payload in one call when its last byte arrives. Drives ws's own Receiver (the pinned version).
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import * as wsModule from 'ws';
import { describe, expect, it } from 'vitest';
import { GATHER_MIN_BYTES, gatherLargeFrames } from './frame-gather.js';

/** ws's Receiver (a Writable emitting 'message'); @types/ws does not declare it. */
const Receiver = (wsModule as unknown as { Receiver: new (options: object) => Writable }).Receiver;
type ReceiverT = Writable;

/** A client→server frame (FIN set): masked with `mask`, 64-bit length when large. */
function frame(opcode: number, payload: Buffer, mask: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : len < 65536 ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 255]) : Buffer.alloc(10);
  if (len >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([head, mask, body]);
}

/** Feeds `bytes` to the receiver in chunks of the given (cycling) sizes, waiting for each write to be taken. */
async function feed(r: ReceiverT, bytes: Buffer, sizes: number[]): Promise<void> {
  let at = 0;
  for (let n = 0; at < bytes.length; n++) {
    const end = Math.min(at + sizes[n % sizes.length]!, bytes.length);
    await new Promise<void>((resolve, reject) => r.write(bytes.subarray(at, end), (err?: Error | null) => (err ? reject(err) : resolve())));
    at = end;
  }
}

/** A receiver that records messages and, for every consume of a large payload, whether ws held it as one buffer. */
function receiver(): { r: ReceiverT; messages: Array<{ data: Buffer; binary: boolean }>; chunksAtConsume: string[] } {
  const r = new Receiver({ isServer: true, maxPayload: 0, allowSynchronousEvents: true });
  const messages: Array<{ data: Buffer; binary: boolean }> = [];
  const chunksAtConsume: string[] = [];
  const internals = r as unknown as { consume(n: number): Buffer; _buffers: Buffer[] };
  const consume = internals.consume.bind(r);
  internals.consume = (n: number) => {
    if (n >= GATHER_MIN_BYTES) chunksAtConsume.push(internals._buffers[0]!.length === n ? 'one buffer' : `${internals._buffers.length} chunks`);
    return consume(n);
  };
  r.on('message', (data: Buffer, binary: boolean) => messages.push({ data, binary }));
  return { r, messages, chunksAtConsume };
}

describe('gatherLargeFrames', () => {
  it('hands ws one finished, unmasked buffer for a large frame cut at odd places, and a small frame after it', async () => {
    const { r, messages, chunksAtConsume } = receiver();
    expect(gatherLargeFrames(r)).toBe(true);
    const big = randomBytes(3 * GATHER_MIN_BYTES + 5);
    const small = Buffer.from('{"jsonrpc":"2.0"}');
    // The small frame's first bytes arrive in the large frame's last chunk.
    const wire = Buffer.concat([frame(2, big, randomBytes(4)), frame(1, small, randomBytes(4))]);
    await feed(r, wire, [7, 16_381, 65_536, 3, 40_001]);
    expect(messages).toHaveLength(2);
    expect(messages[0]!.binary).toBe(true);
    expect(messages[0]!.data.equals(big)).toBe(true);
    expect(messages[1]!.data.toString()).toBe(small.toString());
    // ws took the payload as one buffer: no whole-message copy (without gathering it held hundreds of chunks).
    expect(chunksAtConsume).toEqual(['one buffer']);
  });

  it('leaves frames below the threshold to ws as they were', async () => {
    const { r, messages, chunksAtConsume } = receiver();
    gatherLargeFrames(r);
    const payload = randomBytes(GATHER_MIN_BYTES - 1);
    await feed(r, frame(2, payload, randomBytes(4)), [10_000]);
    expect(messages[0]!.data.equals(payload)).toBe(true);
    expect(chunksAtConsume).toEqual([]);
  });

  it('a text frame keeps ws UTF-8 check: invalid UTF-8 still closes with 1007', async () => {
    const { r, messages } = receiver();
    gatherLargeFrames(r);
    const errors: Array<{ code?: string }> = [];
    r.on('error', (e: { code?: string }) => errors.push(e));
    const bad = Buffer.alloc(GATHER_MIN_BYTES + 3, 0x61);
    bad[GATHER_MIN_BYTES] = 0xff;
    await expect(feed(r, frame(1, bad, randomBytes(4)), [65_536])).rejects.toMatchObject({ code: 'WS_ERR_INVALID_UTF8' });
    expect(errors.map((e) => e.code)).toContain('WS_ERR_INVALID_UTF8');
    expect(messages).toHaveLength(0);
  });

  it('refuses an object that is not the receiver it knows', () => {
    expect(gatherLargeFrames({})).toBe(false);
    expect(gatherLargeFrames(undefined)).toBe(false);
  });
});
