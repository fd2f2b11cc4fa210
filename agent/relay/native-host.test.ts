// The native host against what listens on the channel: it checks the socket's folder and owner before connecting,
// sends the key to nobody (whatever listens must prove it), and bounds what waits for the agent (count and bytes).
import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL_PROTOCOL, RELAY_PROTOCOL } from '../core/protocol/relay.js';
import { channelNonce, channelProof } from './channel-auth.js';
import { ChannelDecoder, controlFrame } from './channel-frames.js';
import { channelLocation, parsePipeRecord, windowsPipeName, type ChannelLocation } from './channel-path.js';
import { ChannelUntrusted, checkUnixChannel, openChannel, unixChannel, windowsChannel } from './channel-platform.js';
import { CHROMIUM_EXTENSION_ID } from './extension-ids.js';
import { encodeFrame, FrameDecoder } from './framing.js';
import { runNativeHost, type NativeHostOptions } from './native-host.js';

const OURS = `chrome-extension://${CHROMIUM_EXTENSION_ID}/`;
const KEY = 'k'.repeat(64);
const uid = process.getuid!();

/** Plays the browser on the host's stdio. */
function browser() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const got: Array<Record<string, unknown>> = [];
  const d = new FrameDecoder(2 << 20);
  stdout.on('data', (c: Buffer) => {
    for (const t of d.push(c)) got.push(JSON.parse(t) as Record<string, unknown>);
  });
  return {
    stdin,
    stdout,
    got,
    send: (m: object) => stdin.write(encodeFrame(JSON.stringify(m))),
    async until(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
      for (let i = 0; i < 200; i++) {
        const m = got.find(pred);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`not seen; got ${JSON.stringify(got).slice(0, 400)}`);
    },
  };
}

/** A program that listens on the channel path without knowing the key, and records every byte it is sent. */
async function impostor(path: string): Promise<{ server: Server; received: () => Buffer; connections: () => number }> {
  const chunks: Buffer[] = [];
  let connections = 0;
  const server = createServer((s: Socket) => {
    connections++;
    const d = new ChannelDecoder({
      maxControlBytes: 1 << 20,
      maxDataBytes: 1 << 30,
      onEvent: (ev) => {
        const m = ev.kind === 'control' ? (JSON.parse(ev.text) as { t: string }) : null;
        // It answers like an agent, with a proof it cannot compute.
        if (m?.t === 'hello') s.write(controlFrame(JSON.stringify({ t: 'hello', relay: CHANNEL_PROTOCOL, version: 'x', role: 'agent', nonce: channelNonce(), proof: 'ab'.repeat(32) })));
      },
    });
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      d.push(c);
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(path, r));
  return { server, received: () => Buffer.concat(chunks), connections: () => connections };
}

let dir: string;
let loc: ChannelLocation;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kyso-host-'));
  loc = { path: join(dir, 'run', 'relay.sock'), dir: join(dir, 'run'), keyFile: join(dir, 'run', 'relay.key'), pipeRecord: null };
  await mkdir(loc.dir!, { mode: 0o700 });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function host(b: ReturnType<typeof browser>, o: Partial<NativeHostOptions> = {}): { code: Promise<number>; started: () => number } {
  let started = 0;
  const code = runNativeHost({
    stdin: b.stdin,
    stdout: b.stdout,
    args: [OURS],
    allowedCallers: new Set([OURS]),
    version: '1.0.0',
    connect: () => openChannel(loc, unixChannel(uid)),
    readKey: async () => KEY,
    startAgent: () => void started++,
    startTimeoutMs: 300,
    ...o,
  });
  return { code, started: () => started };
}

describe('M2: the host proves nothing to, and sends nothing to, a channel it cannot trust', () => {
  it('a listener that cannot prove the key gets neither the key nor any page data', async () => {
    const imp = await impostor(loc.path);
    try {
      const b = browser();
      const h = host(b);
      b.send({ t: 'hello', relay: RELAY_PROTOCOL, version: '1', role: 'extension' });
      b.send({ t: 'open', s: 1, kind: 'rpc', origin: 'https://dichvucong.gov.vn' });
      b.send({ t: 'data', s: 1, text: 'PAGE-SECRET-DOCUMENT' });
      expect(await h.code).toBe(1);
      expect(await b.until((m) => m.t === 'error')).toMatchObject({ reason: 'AGENT_UNAVAILABLE' });
      const seen = imp.received().toString('latin1');
      expect(imp.connections()).toBe(1);
      expect(seen).toContain('"nonce"');
      expect(seen).not.toContain(KEY);
      expect(seen).not.toContain('PAGE-SECRET');
      expect(seen).not.toContain('dichvucong');
    } finally {
      imp.server.close();
    }
  });

  it('a socket folder open to others (0755) is refused before connecting, and no agent is started over it', async () => {
    const imp = await impostor(loc.path);
    try {
      await chmod(loc.dir!, 0o755);
      const b = browser();
      const h = host(b);
      b.send({ t: 'hello', relay: RELAY_PROTOCOL, version: '1', role: 'extension' });
      expect(await h.code).toBe(1);
      expect(String((await b.until((m) => m.t === 'error')).message)).toContain('not private');
      expect(imp.connections()).toBe(0);
      expect(h.started()).toBe(0);
    } finally {
      imp.server.close();
    }
  });

  it('checkUnixChannel: another user’s folder, a symlinked folder, a symlink or file instead of the socket', async () => {
    const imp = await impostor(loc.path);
    try {
      await expect(checkUnixChannel(loc, uid)).resolves.toBeUndefined();
      // The same folder seen by another user (as if someone else had made /tmp/kyso-agent-<uid>-… first).
      await expect(checkUnixChannel(loc, uid + 1)).rejects.toThrow(/belongs to another user/);
      await chmod(loc.dir!, 0o710);
      await expect(checkUnixChannel(loc, uid)).rejects.toThrow(/open to other users \(mode 710\)/);
      await chmod(loc.dir!, 0o700);
      const linked = join(dir, 'linked');
      await symlink(loc.dir!, linked);
      await expect(checkUnixChannel({ ...loc, dir: linked, path: join(linked, 'relay.sock') }, uid)).rejects.toThrow(/not a folder/);
      const other = join(dir, 'run', 'other.sock');
      await symlink(loc.path, other);
      await expect(checkUnixChannel({ ...loc, path: other }, uid)).rejects.toThrow(/not a socket/);
      await writeFile(join(dir, 'run', 'plain'), 'x');
      await expect(checkUnixChannel({ ...loc, path: join(dir, 'run', 'plain') }, uid)).rejects.toBeInstanceOf(ChannelUntrusted);
      // The socket's own owner counts too (a fake stat: chown needs root).
      const real = await stat(loc.path);
      const fake = async (p: string) => (p === loc.path ? { ...real, isDirectory: () => false, isSocket: () => true, isSymbolicLink: () => false, uid: uid + 7, mode: real.mode } : stat(p));
      await expect(checkUnixChannel(loc, uid, fake)).rejects.toThrow(/relay\.sock belongs to another user/);
    } finally {
      imp.server.close();
    }
  });

  it('no folder and no socket mean "no agent": the host starts one', async () => {
    await rm(loc.dir!, { recursive: true });
    const b = browser();
    const h = host(b);
    b.send({ t: 'hello', relay: RELAY_PROTOCOL, version: '1', role: 'extension' });
    expect(await h.code).toBe(1);
    expect(h.started()).toBe(1);
    expect(String((await b.until((m) => m.t === 'error')).message)).toContain('Could not start kyso-agent');
  });
});

describe('L1: what waits for the agent is bounded', () => {
  it('past the count bound the stream is closed QUEUE_FULL; the host and other streams go on', async () => {
    const b = browser();
    let release: (s: never) => void = () => undefined;
    const h = host(b, { connect: () => new Promise((_r, j) => (release = j)), startTimeoutMs: 60_000, queueLimits: { messages: 5, bytes: 1 << 20 } });
    b.send({ t: 'hello', relay: RELAY_PROTOCOL, version: '1', role: 'extension' });
    b.send({ t: 'open', s: 1, kind: 'rpc', origin: 'https://a.vn' });
    for (let i = 0; i < 6; i++) b.send({ t: 'data', s: 1, text: `m${i}` });
    expect(await b.until((m) => m.t === 'closed')).toEqual({ t: 'closed', s: 1, reason: 'QUEUE_FULL' });
    // Further messages of a refused stream are dropped quietly; the host itself goes on (a new stream is refused
    // on its own while the queue stays full).
    b.send({ t: 'data', s: 1, text: 'later' });
    b.send({ t: 'open', s: 2, kind: 'rpc', origin: 'https://a.vn' });
    await b.until((m) => m.t === 'closed' && m.s === 2);
    expect(b.got.filter((m) => m.t === 'closed')).toEqual([{ t: 'closed', s: 1, reason: 'QUEUE_FULL' }, { t: 'closed', s: 2, reason: 'QUEUE_FULL' }]);
    expect(b.got.some((m) => m.t === 'error')).toBe(false);
    b.stdin.end();
    expect(await h.code).toBe(0);
    release(undefined as never);
  });

  it('past the byte bound likewise', async () => {
    const b = browser();
    const h = host(b, { connect: () => new Promise(() => undefined), startTimeoutMs: 60_000, queueLimits: { messages: 100, bytes: 64 * 1024 } });
    b.send({ t: 'hello', relay: RELAY_PROTOCOL, version: '1', role: 'extension' });
    b.send({ t: 'open', s: 3, kind: 'rpc', origin: 'https://a.vn' });
    b.send({ t: 'data', s: 3, text: 'x'.repeat(40 * 1024) });
    b.send({ t: 'data', s: 3, text: 'y'.repeat(40 * 1024) });
    expect(await b.until((m) => m.t === 'closed')).toEqual({ t: 'closed', s: 3, reason: 'QUEUE_FULL' });
    b.stdin.end();
    expect(await h.code).toBe(0);
  });
});

describe('L1: after the agent answered, the host keeps no backlog of its own', () => {
  it('while the agent does not read, the host stops reading the browser; everything arrives once it reads again', async () => {
    let agentSide: Socket | null = null;
    let received = 0;
    const server = createServer((s: Socket) => {
      agentSide = s;
      const d = new ChannelDecoder({
        maxControlBytes: 1 << 20,
        maxDataBytes: 1 << 30,
        onEvent: (ev) => {
          if (ev.kind === 'data') received++;
          const m = ev.kind === 'control' ? (JSON.parse(ev.text) as { t: string; nonce?: string }) : null;
          if (m?.t === 'hello') {
            const nonce = channelNonce();
            s.write(controlFrame(JSON.stringify({ t: 'hello', relay: CHANNEL_PROTOCOL, version: 'x', role: 'agent', nonce, proof: channelProof(KEY, 'agent', m.nonce!, nonce) })));
          }
          // The agent is busy from the first data frame on: it reads nothing more for now.
          if (ev.kind === 'data' && received === 1) s.pause();
        },
      });
      s.on('data', (c: Buffer) => d.push(c));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(loc.path, r));
    try {
      const b = browser();
      const h = host(b);
      b.send({ t: 'hello', relay: RELAY_PROTOCOL, version: '1', role: 'extension' });
      await b.until((m) => m.t === 'hello');
      b.send({ t: 'open', s: 1, kind: 'rpc', origin: 'https://a.vn' });
      const big = 'z'.repeat(1024 * 1024);
      for (let i = 0; i < 64; i++) b.send({ t: 'data', s: 1, text: big });
      await new Promise((r) => setTimeout(r, 500));
      // Most of the 64 MiB still sits in the browser's pipe, not in the host.
      expect(b.stdin.isPaused()).toBe(true);
      expect(b.stdin.readableLength + b.stdin.writableLength).toBeGreaterThan(32 * 1024 * 1024);
      agentSide!.resume();
      for (let i = 0; i < 200 && received < 64; i++) await new Promise((r) => setTimeout(r, 50));
      expect(received).toBe(64);
      b.stdin.end();
      expect(await h.code).toBe(0);
    } finally {
      server.close();
    }
  });
});

describe('Windows channel (builders and parsing; Windows itself is not run here)', () => {
  const win = channelLocation('C:\\Users\\an\\AppData\\Roaming\\kyso-agent', 'win32', { uid: -1, name: 'an' });

  it('each start listens on a fresh unguessable pipe name under the per-user prefix', () => {
    const a = windowsChannel(undefined, () => new Uint8Array(16).fill(0xab)).listenPath(win);
    expect(a).toBe(`${win.path}-${'ab'.repeat(16)}`);
    expect(windowsChannel().listenPath(win)).not.toBe(windowsChannel().listenPath(win));
    expect(windowsPipeName('\\\\.\\pipe\\p', new Uint8Array([1, 2]))).toBe('\\\\.\\pipe\\p-0102');
  });

  it('the record is accepted only when it names a pipe of this prefix with a 32-hex tail', () => {
    const good = `${win.path}-${'0f'.repeat(16)}`;
    expect(parsePipeRecord(`${good}\r\n`, win.path)).toBe(good);
    expect(parsePipeRecord('\\\\.\\pipe\\evil-pipe', win.path)).toBeNull();
    expect(parsePipeRecord(`${win.path}-${'0f'.repeat(15)}`, win.path)).toBeNull();
    expect(parsePipeRecord(`${win.path}-${'0F'.repeat(16)}`, win.path)).toBeNull();
    expect(parsePipeRecord(`${good}\\..\\x`, win.path)).toBeNull();
  });

  it('publish records the name in the data dir, connect reads it back, withdraw removes only its own', async () => {
    const files = new Map<string, string>();
    const fs = {
      read: async (f: string) => {
        const t = files.get(f);
        if (t === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
        return t;
      },
      write: async (f: string, t: string) => void files.set(f, t),
      remove: async (f: string) => void files.delete(f),
    };
    const p = windowsChannel(fs);
    expect(await p.connectPath(win)).toBeNull();
    const name = p.listenPath(win);
    await p.publish(win, name);
    expect(files.get(win.pipeRecord!)).toBe(`${name}\n`);
    expect(await p.connectPath(win)).toBe(name);
    await p.withdraw(win, `${win.path}-${'00'.repeat(16)}`);
    expect(files.has(win.pipeRecord!)).toBe(true);
    await p.withdraw(win, name);
    expect(files.has(win.pipeRecord!)).toBe(false);
    files.set(win.pipeRecord!, '\\\\.\\pipe\\someone-else');
    await expect(p.connectPath(win)).rejects.toBeInstanceOf(ChannelUntrusted);
  });
});
