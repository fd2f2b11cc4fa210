// The agent's relay channel over a real Unix socket: the caps and the in-flight budget the wss route applies
// (docs/security.md T22/T23), and the handshake in which the key never travels (only proofs over both sides' nonces).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionContext, Logger } from '../core/index.js';
import { stringifyPieces } from '../core/protocol/json.js';
import { isTextPieces, type MessageText } from '../core/protocol/pieces.js';
import { encodeBase64Sliced } from '../core/protocol/slices.js';
import { CHANNEL_PROTOCOL } from '../core/protocol/relay.js';
import { InflightBudget } from '../server/budget.js';
import { decodeUtf8Sliced } from '../server/large-text.js';
import { channelNonce, channelProof } from './channel-auth.js';
import { ChannelDecoder, controlFrame, dataFrame, type ChannelEvent } from './channel-frames.js';
import { startRelayChannel, type RelayChannel } from './channel-server.js';

const APPROVED = 'https://dichvucong.gov.vn';
const STRANGER = 'https://la.example';
const BLOCKED = 'https://chan.example';
const KiB = 1024;
const logger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The host's side of the channel, spoken byte for byte. */
class Peer {
  readonly events: ChannelEvent[] = [];
  readonly raw: Buffer[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(readonly socket: Socket) {
    const d = new ChannelDecoder({ maxControlBytes: 1 << 20, maxDataBytes: 1 << 30, onEvent: (ev) => this.events.push(ev) });
    socket.on('data', (c: Buffer) => {
      this.raw.push(c);
      d.push(c);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(path: string): Promise<Peer> {
    const s = connect(path);
    await new Promise((r, j) => s.once('connect', r).once('error', j));
    return new Peer(s);
  }

  control(m: object): void {
    this.socket.write(controlFrame(JSON.stringify(m)));
  }

  data(s: number, text: string): void {
    this.socket.write(dataFrame(s, text));
  }

  messages(): Array<Record<string, unknown>> {
    return this.events.filter((e) => e.kind === 'control').map((e) => JSON.parse(e.text) as Record<string, unknown>);
  }

  async until<T>(pick: () => T | undefined): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const v = pick();
      if (v !== undefined) return v;
      if (this.closed) break;
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    const v = pick();
    if (v === undefined) throw new Error(`not seen; got ${JSON.stringify(this.messages())}`);
    return v;
  }

  /** Full handshake with the right key: hello → agent's hello with proof → auth. */
  async handshake(key: string): Promise<Record<string, unknown>> {
    const hostNonce = channelNonce();
    this.control({ t: 'hello', relay: CHANNEL_PROTOCOL, version: 't', role: 'host', nonce: hostNonce });
    const hello = await this.until(() => this.messages().find((m) => m.t === 'hello'));
    expect(hello.proof).toBe(channelProof(key, 'agent', hostNonce, hello.nonce as string));
    this.control({ t: 'auth', proof: channelProof(key, 'host', hostNonce, hello.nonce as string) });
    return hello;
  }

  async stream(s: number, kind: 'rpc' | 'vnpt', origin: string): Promise<void> {
    this.control({ t: 'open', s, kind, origin });
    await this.until(() => this.messages().find((m) => m.t === 'opened' && m.s === s));
  }

  closedReason(s: number): Promise<unknown> {
    return this.until(() => this.messages().find((m) => m.t === 'closed' && m.s === s)?.reason);
  }

  reply(s: number): Promise<string> {
    return this.until(() => this.events.find((e): e is Extract<ChannelEvent, { kind: 'data' }> => e.kind === 'data' && e.s === s)?.bytes.toString('utf8'));
  }
}

let dir: string;
let channel: RelayChannel;
let budget: InflightBudget;
let handled: Array<{ origin: string; bytes: number }>;
let key: string;
/** Policy `allowPairing`, read by the gate at each stream's open. */
let pairing: boolean;
let opens: string[];
/** When set, JSON-RPC streams' handlers take large messages as bytes (as the agent's dispatcher does). */
let bytesFor: Set<string>;
let gotBytes: Uint8Array[];
/** What the handler answers to the text `pieces` (an answer given as pieces, as the dispatcher gives a large one). */
let answerPieces: MessageText | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kyso-relay-'));
  budget = new InflightBudget(4 * 1024 * KiB);
  handled = [];
  pairing = true;
  opens = [];
  bytesFor = new Set();
  gotBytes = [];
  channel = (await startRelayChannel({
    dataDir: dir,
    version: '9.9.9',
    logger,
    origins: {
      normalise: (raw) => raw,
      // As core's OriginAccess: with pairing off an origin that is not approved is `unknown`.
      classify: (origin) => (origin === APPROVED ? 'approved' : origin === BLOCKED ? 'blocked' : pairing ? 'pairable' : 'unknown'),
      pairingAllowed: () => pairing,
    },
    budget,
    decodeText: (bytes) => decodeUtf8Sliced(bytes, false),
    // Long enough for the 3 MiB frames below to arrive whole on a loaded machine; the timeout test waits it out.
    limits: { messageTimeoutMs: 1_500 },
    open: (kind, ctx: ConnectionContext) => (opens.push(ctx.origin), {
      handle: async (text) => {
        handled.push({ origin: ctx.origin, bytes: text.length });
        if (text === 'pieces' && answerPieces) return answerPieces;
        return text.startsWith('echo ') ? text.slice(5) : `{"ok":${text.length}}`;
      },
      ...(bytesFor.has(kind) ? {
        handleBytes: async (bytes: Uint8Array) => {
          gotBytes.push(bytes);
          return `{"bytes":${bytes.length}}`;
        },
      } : {}),
    }),
  }))!;
  key = (await readFile(channel.location.keyFile, 'utf8')).trim();
});

afterEach(async () => {
  await channel.close();
  await rm(dir, { recursive: true, force: true });
});

describe('T22 on the relay: a large answer leaves slice by slice, in order with the other frames', () => {
  it('a 3 MiB answer with multi-byte characters across the slices arrives whole, and a refusal sent meanwhile after it', async () => {
    const p = await Peer.open(channel.path);
    await p.handshake(key);
    await p.stream(1, 'rpc', APPROVED);
    await p.stream(2, 'rpc', STRANGER);
    let text = '';
    while (text.length < 3 * 1024 * KiB) text += `${'a'.repeat(1024 * KiB - 1 - (text.length % 3))}😀é`;
    p.data(1, `echo ${text}`);
    // Refused at its header while the answer above is being written: the 'closed' frame must not land inside it.
    await new Promise((r) => setTimeout(r, 5));
    p.data(2, 'y'.repeat(8 * KiB + 1));
    expect(await p.closedReason(2)).toBe('PAYLOAD_TOO_LARGE');
    expect((await p.reply(1)) === text).toBe(true);
    p.socket.destroy();
  });

  it('an answer given as pieces (ASCII or not) is one data frame of exactly today’s bytes; a refusal meanwhile comes after it', async () => {
    const p = await Peer.open(channel.path);
    await p.handshake(key);
    await p.stream(1, 'rpc', APPROVED);
    await p.stream(2, 'rpc', STRANGER);
    await p.stream(3, 'rpc', APPROVED);
    const b64 = { jsonrpc: '2.0', id: 1, result: { pdf: await encodeBase64Sliced(new Uint8Array(3 * 1024 * KiB).fill(9)) } };
    const mixed = { jsonrpc: '2.0', id: 2, result: { text: `${'ư'.repeat(1024 * KiB - 1)}😀${'é'.repeat(300 * KiB)}`, doc: await encodeBase64Sliced(new Uint8Array(2 * 1024 * KiB).fill(3)) } };
    answerPieces = await stringifyPieces(b64);
    expect(isTextPieces(answerPieces) && answerPieces.ascii).toBe(true);
    p.data(1, 'pieces');
    await new Promise((r) => setTimeout(r, 5));
    p.data(2, 'y'.repeat(8 * KiB + 1));
    expect(await p.closedReason(2)).toBe('PAYLOAD_TOO_LARGE');
    const one = await p.until(() => p.events.find((e): e is Extract<ChannelEvent, { kind: 'data' }> => e.kind === 'data' && e.s === 1));
    expect(one.bytes.equals(Buffer.from(JSON.stringify(b64), 'utf8'))).toBe(true);
    answerPieces = await stringifyPieces(mixed);
    expect(isTextPieces(answerPieces) && !answerPieces.ascii).toBe(true);
    p.data(3, 'pieces');
    const three = await p.until(() => p.events.find((e): e is Extract<ChannelEvent, { kind: 'data' }> => e.kind === 'data' && e.s === 3));
    expect(three.bytes.equals(Buffer.from(JSON.stringify(mixed), 'utf8'))).toBe(true);
    // Nothing but those frames' bytes: the 'closed' frame between them, never inside one.
    const order = p.events.filter((e) => e.kind === 'data' || (e.kind === 'control' && e.text.includes('"closed"'))).map((e) => (e.kind === 'data' ? `d${e.s}` : 'closed'));
    expect(order).toEqual(['d1', 'closed', 'd3']);
    answerPieces = undefined;
    p.socket.destroy();
  });
});

describe('T22 on the relay: a large JSON-RPC message reaches the dispatcher as its bytes', () => {
  it('from 1 MiB on to handleBytes, byte for byte (malformed UTF-8 left to it); smaller ones and handlers without it as text', async () => {
    bytesFor.add('rpc');
    const p = await Peer.open(channel.path);
    await p.handshake(key);
    await p.stream(1, 'rpc', APPROVED);
    const large = Buffer.concat([Buffer.from('{"é":"'), Buffer.alloc(1024 * KiB, 0x41), Buffer.from([0xff, 0x22, 0x7d])]);
    const frame = dataFrame(1, 'x'.repeat(large.length));
    large.copy(frame, frame.length - large.length);
    p.socket.write(frame);
    expect(await p.reply(1)).toBe(`{"bytes":${large.length}}`);
    expect(Buffer.from(gotBytes[0]!).equals(large)).toBe(true);
    p.data(1, 'x'.repeat(1024 * KiB - 1));
    await p.until(() => (handled.length > 0 ? true : undefined));
    expect(handled).toEqual([{ origin: APPROVED, bytes: 1024 * KiB - 1 }]);
    // A VNPT stream's session reads text: its large message is decoded as before.
    await p.stream(2, 'vnpt', APPROVED);
    p.data(2, 'v'.repeat(2048 * KiB));
    await p.until(() => (handled.length > 1 ? true : undefined));
    expect(handled[1]).toEqual({ origin: APPROVED, bytes: 2048 * KiB });
    expect(gotBytes).toHaveLength(1);
    p.socket.destroy();
  });
});

describe('T22/T23 on the relay: the caps and the budget of the wss route', () => {
  it('a data frame left unfinished past the message timeout ends the connection and gives its budget back', async () => {
    const p = await Peer.open(channel.path);
    await p.handshake(key);
    await p.stream(1, 'rpc', APPROVED);
    const frame = dataFrame(1, 'u'.repeat(1024 * KiB));
    p.socket.write(frame.subarray(0, 512 * KiB));
    await p.until(() => (budget.inUse() > 0 ? true : undefined));
    expect(budget.inUse()).toBe(1024 * KiB);
    await p.until(() => (p.closed ? true : undefined));
    expect(p.messages()).toContainEqual(expect.objectContaining({ t: 'error', reason: 'PROTOCOL_ERROR' }));
    expect(budget.inUse()).toBe(0);
    expect(handled).toEqual([]);
  });

  it('an origin that is not approved may send 8 KiB per JSON-RPC message: more closes its stream, unread', async () => {
    const p = await Peer.open(channel.path);
    await p.handshake(key);
    await p.stream(1, 'rpc', STRANGER);
    p.data(1, 'x'.repeat(8 * KiB));
    expect(await p.reply(1)).toBe(`{"ok":${8 * KiB}}`);
    p.data(1, 'y'.repeat(8 * KiB + 1));
    expect(await p.closedReason(1)).toBe('PAYLOAD_TOO_LARGE');
    expect(handled).toEqual([{ origin: STRANGER, bytes: 8 * KiB }]);
    // The connection and other streams go on: the refused bytes were skipped at the header.
    await p.stream(2, 'rpc', APPROVED);
    p.data(2, 'z'.repeat(1024 * KiB));
    expect(await p.reply(2)).toBe(`{"ok":${1024 * KiB}}`);
    p.socket.destroy();
  });

  it('VNPT streams get the compatible listener’s 2 MiB before approval', async () => {
    const p = await Peer.open(channel.path);
    await p.handshake(key);
    await p.stream(3, 'vnpt', STRANGER);
    p.data(3, 'v'.repeat(2048 * KiB));
    expect(await p.reply(3)).toBe(`{"ok":${2048 * KiB}}`);
    p.data(3, 'w'.repeat(2048 * KiB + 1));
    expect(await p.closedReason(3)).toBe('PAYLOAD_TOO_LARGE');
    p.socket.destroy();
  });

  it('a message that does not fit the shared in-flight budget closes its stream BUSY; the budget is whole again after', async () => {
    // Another listener holds most of the budget (an unfinished wss message, say).
    expect(budget.tryTake(3 * 1024 * KiB)).toBe(true);
    const p = await Peer.open(channel.path);
    await p.handshake(key);
    await p.stream(4, 'rpc', APPROVED);
    p.data(4, 'b'.repeat(2 * 1024 * KiB));
    expect(await p.closedReason(4)).toBe('BUSY');
    expect(handled).toEqual([]);
    budget.give(3 * 1024 * KiB);
    await p.stream(5, 'rpc', APPROVED);
    p.data(5, 'c'.repeat(2 * 1024 * KiB));
    expect(await p.reply(5)).toBe(`{"ok":${2 * 1024 * KiB}}`);
    expect(budget.inUse()).toBe(0);
    p.socket.destroy();
  });

  it('a connection that ends in the middle of a message gives its claim back', async () => {
    const p = await Peer.open(channel.path);
    await p.handshake(key);
    await p.stream(6, 'rpc', APPROVED);
    p.socket.write(dataFrame(6, 'd'.repeat(1024 * KiB)).subarray(0, 1009));
    await new Promise((r) => setTimeout(r, 100));
    expect(budget.inUse()).toBe(1024 * KiB);
    p.socket.destroy();
    for (let i = 0; i < 50 && budget.inUse() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(budget.inUse()).toBe(0);
  });
});

describe('the handshake proves the key without sending it', () => {
  it('the agent answers with a proof over both nonces and never the key itself', async () => {
    const p = await Peer.open(channel.path);
    const hello = await p.handshake(key);
    expect(hello).toMatchObject({ t: 'hello', role: 'agent', relay: CHANNEL_PROTOCOL, version: '9.9.9' });
    expect(Buffer.concat(p.raw).toString('latin1')).not.toContain(key);
    p.socket.destroy();
  });

  it('a host with a wrong proof is refused and can open nothing', async () => {
    const p = await Peer.open(channel.path);
    const hostNonce = channelNonce();
    p.control({ t: 'hello', relay: CHANNEL_PROTOCOL, version: 't', role: 'host', nonce: hostNonce });
    const hello = await p.until(() => p.messages().find((m) => m.t === 'hello'));
    p.control({ t: 'auth', proof: channelProof('0'.repeat(64), 'host', hostNonce, hello.nonce as string) });
    p.control({ t: 'open', s: 1, kind: 'rpc', origin: APPROVED });
    expect(await p.until(() => p.messages().find((m) => m.t === 'error'))).toMatchObject({ reason: 'PROTOCOL_ERROR', message: 'bad channel proof' });
    await p.until(() => (p.closed ? true : undefined));
    expect(p.messages().some((m) => m.t === 'opened')).toBe(false);
  });

  it('the agent’s proof cannot be replayed as the host’s (the role is in the MAC)', async () => {
    const p = await Peer.open(channel.path);
    const hostNonce = channelNonce();
    p.control({ t: 'hello', relay: CHANNEL_PROTOCOL, version: 't', role: 'host', nonce: hostNonce });
    const hello = await p.until(() => p.messages().find((m) => m.t === 'hello'));
    p.control({ t: 'auth', proof: hello.proof });
    expect(await p.until(() => p.messages().find((m) => m.t === 'error'))).toMatchObject({ message: 'bad channel proof' });
  });

  it('a host of the older channel protocol (key in hello) gets VERSION_MISMATCH', async () => {
    const p = await Peer.open(channel.path);
    p.control({ t: 'hello', relay: 1, version: 't', role: 'host', key });
    expect(await p.until(() => p.messages().find((m) => m.t === 'error'))).toMatchObject({ reason: 'VERSION_MISMATCH' });
  });

  it('auth, open and the first data in one write (a host draining its queue): the data reaches the new stream', async () => {
    const p = await Peer.open(channel.path);
    const hostNonce = channelNonce();
    p.control({ t: 'hello', relay: CHANNEL_PROTOCOL, version: 't', role: 'host', nonce: hostNonce });
    const hello = await p.until(() => p.messages().find((m) => m.t === 'hello'));
    p.socket.write(Buffer.concat([
      controlFrame(JSON.stringify({ t: 'auth', proof: channelProof(key, 'host', hostNonce, hello.nonce as string) })),
      controlFrame(JSON.stringify({ t: 'open', s: 1, kind: 'rpc', origin: STRANGER })),
      dataFrame(1, 'first'),
    ]));
    expect(await p.reply(1)).toBe('{"ok":5}');
    p.socket.destroy();
  });

  it('data before the handshake ends the connection', async () => {
    const p = await Peer.open(channel.path);
    p.data(1, 'hello?');
    expect(await p.until(() => p.messages().find((m) => m.t === 'error'))).toMatchObject({ reason: 'PROTOCOL_ERROR' });
    expect(handled).toEqual([]);
  });
});

describe('T4 on the relay: with pairing off, the wss door rule at the stream’s open', () => {
  it('an origin neither approved nor allowed is refused ORIGIN_NOT_ALLOWED before any stream exists, as a blocked one', async () => {
    pairing = false;
    const p = await Peer.open(channel.path);
    await p.handshake(key);
    p.control({ t: 'open', s: 1, kind: 'rpc', origin: STRANGER });
    p.control({ t: 'open', s: 2, kind: 'vnpt', origin: STRANGER });
    p.control({ t: 'open', s: 3, kind: 'rpc', origin: BLOCKED });
    expect(await p.closedReason(1)).toBe('ORIGIN_NOT_ALLOWED');
    expect(await p.closedReason(2)).toBe('ORIGIN_NOT_ALLOWED');
    expect(await p.closedReason(3)).toBe('ORIGIN_NOT_ALLOWED');
    // Data for the refused stream reaches nothing; the refusal is the same message as for a blocked origin.
    p.data(1, '{"jsonrpc":"2.0","id":1,"method":"agent.info"}');
    const refusal = (s: number) => p.messages().find((m) => m.t === 'closed' && m.s === s);
    expect({ ...refusal(1), s: 0 }).toEqual({ ...refusal(3), s: 0 });
    // The approved (or policy-allowed) origin still gets its stream on the same connection.
    await p.stream(4, 'rpc', APPROVED);
    p.data(4, 'ok');
    expect(await p.reply(4)).toBe('{"ok":2}');
    expect(opens).toEqual([APPROVED]);
    expect(handled).toEqual([{ origin: APPROVED, bytes: 2 }]);
    expect(p.messages().filter((m) => m.t === 'opened').map((m) => m.s)).toEqual([4]);
    p.socket.destroy();
  });

  it('with pairing allowed the same origin gets its stream (and only the small unapproved cap)', async () => {
    const p = await Peer.open(channel.path);
    await p.handshake(key);
    await p.stream(1, 'rpc', STRANGER);
    expect(opens).toEqual([STRANGER]);
    p.socket.destroy();
  });
});
