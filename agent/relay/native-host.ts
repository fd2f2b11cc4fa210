// `kyso-agent native-host`: the process the browser starts for the companion extension (native messaging on stdio).
// It checks who called it, shakes hands on the relay version, connects to (or starts) the user's agent over the
// local channel and relays stream messages both ways, splitting anything larger than Chrome's 1 MiB host limit.
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import {
  BROWSER_TO_HOST_MAX_BYTES, BoundedQueue, CHANNEL_PROTOCOL, HOST_TO_BROWSER_MAX_BYTES, MAX_QUEUED_BYTES, MAX_QUEUED_MESSAGES,
  MAX_RELAY_TEXT_BYTES, PartJoiner, RELAY_PROTOCOL, readRelayMessage, splitMessage, versionMismatchText, type RelayMessage, type RelayReason,
} from '../core/protocol/relay.js';
import { channelNonce, channelProof, proofMatches } from './channel-auth.js';
import { ChannelDecoder, controlFrame, dataFrame, type ChannelEvent } from './channel-frames.js';
import { ChannelUntrusted } from './channel-platform.js';
import { FrameDecoder, FrameTooLarge, encodeFrame } from './framing.js';

export interface NativeHostOptions {
  stdin: Readable;
  stdout: Writable;
  /** The host's arguments: Chrome passes the caller's origin (`chrome-extension://<id>/`), Firefox the add-on id. */
  args: string[];
  /** Extension origins / add-on ids allowed to use the host (ours, plus policy `extension.ids`). */
  allowedCallers: ReadonlySet<string>;
  version: string;
  /**
   * Connects to the agent's channel; rejects when nothing listens there, or with ChannelUntrusted when the
   * channel fails the platform's checks (then no agent is started and nothing is sent).
   */
  connect(): Promise<Socket>;
  /** Reads the agent's per-start channel key (null when no agent ever started). It is never sent: only proofs. */
  readKey(): Promise<string | null>;
  /** Starts the agent in the background (detached from the browser). */
  startAgent(): void;
  /** How long to wait for a started agent (default 30 s). */
  startTimeoutMs?: number;
  /** How long the agent may take to prove itself once connected (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Bounds of what waits for the agent (default MAX_QUEUED_MESSAGES / MAX_QUEUED_BYTES). */
  queueLimits?: { messages: number; bytes: number };
  /** Diagnostics to stderr (Chrome logs a host's stderr). Never documents or PINs. */
  log?(line: string): void;
}

/** The caller the browser named in the host's arguments, if it is one of ours. */
export function allowedCaller(args: string[], allowed: ReadonlySet<string>): string | null {
  for (const a of args) {
    const v = a.trim();
    if (allowed.has(v) || allowed.has(v.replace(/\/?$/, '/'))) return v;
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the host until stdin ends or the agent goes away. Resolves with the process exit code. */
export async function runNativeHost(o: NativeHostOptions): Promise<number> {
  const log = o.log ?? (() => undefined);
  let partId = 1;
  const utf8Bytes = (t: string): number => Buffer.byteLength(t, 'utf8');
  const toBrowser = (m: RelayMessage | string): void => {
    const json = typeof m === 'string' ? m : JSON.stringify(m);
    for (const piece of splitMessage(json, HOST_TO_BROWSER_MAX_BYTES, partId++, utf8Bytes)) o.stdout.write(encodeFrame(piece));
  };
  const refuse = (reason: RelayReason, message: string): number => {
    log(`refused: ${reason}`);
    toBrowser({ t: 'error', reason, message });
    return 1;
  };

  if (allowedCaller(o.args, o.allowedCallers) === null) {
    return refuse('ORIGIN_NOT_ALLOWED', 'Chương trình gọi không phải tiện ích kyso-agent. / The caller is not the kyso-agent extension.');
  }

  return new Promise<number>((resolve) => {
    const decoder = new FrameDecoder(BROWSER_TO_HOST_MAX_BYTES);
    const joiner = new PartJoiner(MAX_RELAY_TEXT_BYTES);
    let agent: Socket | null = null;
    let greeted = false;
    let agentReady = false;
    let done = false;
    // Frames waiting for the agent (started or still proving itself), bounded in count and bytes (L1).
    const limits = o.queueLimits ?? { messages: MAX_QUEUED_MESSAGES, bytes: MAX_QUEUED_BYTES };
    const queue = new BoundedQueue<Buffer>(limits.messages, limits.bytes);
    /** Streams refused while queued: the agent is told to close them once it answers. */
    const refused = new Set<number>();
    let halt: () => void = () => undefined;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      halt();
      agent?.destroy();
      o.stdin.pause();
      resolve(code);
    };

    async function handshake(hello: Extract<RelayMessage, { t: 'hello' }>): Promise<void> {
      if (hello.relay !== RELAY_PROTOCOL) {
        refuse('VERSION_MISMATCH', versionMismatchText({ role: 'host', relay: RELAY_PROTOCOL }, { role: hello.role, relay: hello.relay }));
        return finish(1);
      }
      let socket: Socket;
      try {
        socket = await reachAgent();
      } catch (e) {
        const untrusted = e instanceof ChannelUntrusted;
        refuse('AGENT_UNAVAILABLE', untrusted
          ? `Kênh tới kyso-agent không riêng tư, không kết nối. / The channel to kyso-agent is not private; not connecting (${e.message}).`
          : `Không khởi động được kyso-agent. / Could not start kyso-agent (${e instanceof Error ? e.message : String(e)}).`);
        return finish(1);
      }
      if (done) {
        socket.destroy();
        return;
      }
      agent = socket;
      const key = await o.readKey();
      const hostNonce = channelNonce();
      const timer = setTimeout(() => {
        refuse('AGENT_UNAVAILABLE', 'kyso-agent không trả lời. / kyso-agent did not answer.');
        finish(1);
      }, o.handshakeTimeoutMs ?? 10_000);
      const onEvent = (ev: ChannelEvent): void => {
        if (ev.kind === 'data') {
          if (!agentReady) return finish(1);
          toBrowser(`{"t":"data","s":${ev.s},"text":${JSON.stringify(ev.bytes.toString('utf8'))}}`);
          return;
        }
        const m = safeRead(ev.text);
        if (agentReady) {
          // opened / closed / error for the browser; nothing else crosses.
          if (m && (m.t === 'opened' || m.t === 'closed' || m.t === 'error')) toBrowser(m);
          return;
        }
        clearTimeout(timer);
        if (m?.t === 'hello' && m.relay === CHANNEL_PROTOCOL) {
          // Whatever listens must prove it knows this start's key before any page data goes to it.
          if (key === null || !m.nonce || !proofMatches(channelProof(key, 'agent', hostNonce, m.nonce), m.proof)) {
            log('the channel did not prove the agent key');
            refuse('AGENT_UNAVAILABLE', 'Chương trình trên kênh không chứng minh được là kyso-agent. / What listens on the channel did not prove it is kyso-agent.');
            return finish(1);
          }
          agentReady = true;
          socket.cork();
          socket.write(controlFrame(JSON.stringify({ t: 'auth', proof: channelProof(key, 'host', hostNonce, m.nonce) })));
          for (const frame of queue.drain()) socket.write(frame);
          for (const s of refused) socket.write(controlFrame(JSON.stringify({ t: 'close', s })));
          refused.clear();
          socket.uncork();
          toBrowser({ t: 'hello', relay: RELAY_PROTOCOL, version: m.version, role: 'agent' });
          return;
        }
        if (m?.t === 'error') toBrowser(m);
        else refuse('VERSION_MISMATCH', versionMismatchText({ role: 'host', relay: CHANNEL_PROTOCOL }, { role: 'agent', relay: m?.t === 'hello' ? m.relay : 0 }));
        finish(1);
      };
      const fromAgent = new ChannelDecoder({ maxControlBytes: 64 * 1024, maxDataBytes: MAX_RELAY_TEXT_BYTES + 4096, onEvent });
      halt = () => fromAgent.halt();
      socket.on('data', (chunk: Buffer) => {
        if (done) return;
        try {
          fromAgent.push(chunk);
        } catch {
          finish(1);
        }
      });
      socket.on('error', () => undefined);
      socket.once('close', () => {
        clearTimeout(timer);
        if (!done) toBrowser({ t: 'error', reason: 'AGENT_UNAVAILABLE', message: 'kyso-agent đã dừng. / kyso-agent stopped.' });
        finish(0);
      });
      socket.write(controlFrame(JSON.stringify({ t: 'hello', relay: CHANNEL_PROTOCOL, version: o.version, role: 'host', nonce: hostNonce })));
    }

    async function reachAgent(): Promise<Socket> {
      try {
        return await o.connect();
      } catch (e) {
        if (e instanceof ChannelUntrusted) throw e;
        log('agent not running: starting it');
        o.startAgent();
      }
      const until = Date.now() + (o.startTimeoutMs ?? 30_000);
      for (;;) {
        await sleep(100);
        if (done) throw new Error('stopped');
        try {
          return await o.connect();
        } catch (e) {
          if (e instanceof ChannelUntrusted || Date.now() > until) throw e;
        }
      }
    }

    function forward(m: RelayMessage): void {
      // Only stream messages go to the agent; hello and auth are the host's own.
      if (m.t !== 'open' && m.t !== 'data' && m.t !== 'close') {
        refuse('PROTOCOL_ERROR', `unexpected ${m.t}`);
        return finish(1);
      }
      const frame = m.t === 'data' ? dataFrame(m.s, m.text) : controlFrame(JSON.stringify(m));
      if (agentReady && agent) {
        // Backpressure: while the agent has not read what was written, stop reading the browser (Chrome then
        // holds the rest), so the host never piles up a page's flood in its own memory.
        if (!agent.write(frame)) {
          o.stdin.pause();
          agent.once('drain', () => {
            if (!done) o.stdin.resume();
          });
        }
        return;
      }
      // While the agent starts, a page may already talk: bounded; past the bound that stream is refused.
      if (refused.has(m.s)) return;
      if (!queue.push(frame, frame.length)) {
        log(`queue full: stream ${m.s} refused`);
        refused.add(m.s);
        toBrowser({ t: 'closed', s: m.s, reason: 'QUEUE_FULL' });
        if (refused.size > limits.messages) {
          refuse('QUEUE_FULL', 'Quá nhiều yêu cầu chờ kyso-agent. / Too many requests waiting for kyso-agent.');
          finish(1);
        }
      }
    }

    function onBrowser(raw: string): void {
      let m = safeRead(raw);
      if (m?.t === 'part') {
        let whole: string | null;
        try {
          whole = joiner.add(m);
        } catch (e) {
          refuse(e instanceof Error && e.message === 'PAYLOAD_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : 'PROTOCOL_ERROR', 'message too large or malformed');
          return finish(1);
        }
        if (whole === null) return;
        m = safeRead(whole);
      }
      if (!m) {
        refuse('PROTOCOL_ERROR', 'not a relay message');
        return finish(1);
      }
      if (!greeted) {
        if (m.t !== 'hello') {
          refuse('PROTOCOL_ERROR', 'hello expected');
          return finish(1);
        }
        greeted = true;
        void handshake(m);
        return;
      }
      forward(m);
    }

    o.stdin.on('data', (chunk: Buffer) => {
      if (done) return;
      let texts: string[];
      try {
        texts = decoder.push(chunk);
      } catch (e) {
        refuse('PAYLOAD_TOO_LARGE', e instanceof FrameTooLarge ? 'message too large' : 'bad frame');
        return finish(1);
      }
      for (const t of texts) {
        onBrowser(t);
        if (done) return;
      }
    });
    o.stdin.once('end', () => finish(0));
    o.stdin.once('error', () => finish(1));
  });
}

function safeRead(text: string): RelayMessage | null {
  try {
    return readRelayMessage(JSON.parse(text));
  } catch {
    return null;
  }
}
