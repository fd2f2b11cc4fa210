// `kyso-agent native-host`: the process the browser starts for the companion extension (native messaging on stdio).
// It checks who called it, shakes hands on the relay version, connects to (or starts) the user's agent over the
// local channel and relays stream messages both ways, splitting anything larger than Chrome's 1 MiB host limit.
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import {
  BROWSER_TO_HOST_MAX_BYTES, HOST_TO_BROWSER_MAX_BYTES, MAX_RELAY_TEXT_BYTES, PartJoiner, RELAY_PROTOCOL, readRelayMessage,
  splitMessage, versionMismatchText, type RelayMessage, type RelayReason,
} from '../core/protocol/relay.js';
import { FrameDecoder, FrameTooLarge, encodeFrame } from './framing.js';

export interface NativeHostOptions {
  stdin: Readable;
  stdout: Writable;
  /** The host's arguments: Chrome passes the caller's origin (`chrome-extension://<id>/`), Firefox the add-on id. */
  args: string[];
  /** Extension origins / add-on ids allowed to use the host (ours, plus policy `extension.ids`). */
  allowedCallers: ReadonlySet<string>;
  version: string;
  /** Connects to the agent's channel; rejects when nothing listens there. */
  connect(): Promise<Socket>;
  /** Reads the agent's per-start channel key (null when no agent ever started). */
  readKey(): Promise<string | null>;
  /** Starts the agent in the background (detached from the browser). */
  startAgent(): void;
  /** How long to wait for a started agent (default 30 s). */
  startTimeoutMs?: number;
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
  const toBrowser = (m: RelayMessage | string): void => {
    const json = typeof m === 'string' ? m : JSON.stringify(m);
    for (const piece of splitMessage(json, HOST_TO_BROWSER_MAX_BYTES, partId++)) o.stdout.write(encodeFrame(piece));
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
    const queue: string[] = [];
    const finish = (code: number): void => {
      if (done) return;
      done = true;
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
        refuse('AGENT_UNAVAILABLE', `Không khởi động được kyso-agent. / Could not start kyso-agent (${e instanceof Error ? e.message : String(e)}).`);
        return finish(1);
      }
      agent = socket;
      const fromAgent = new FrameDecoder(MAX_RELAY_TEXT_BYTES + 4096);
      let agentHello = false;
      socket.on('data', (chunk: Buffer) => {
        let texts: string[];
        try {
          texts = fromAgent.push(chunk);
        } catch {
          return finish(1);
        }
        for (const text of texts) {
          if (!agentHello) {
            const m = safeRead(text);
            if (m?.t === 'hello' && m.relay === RELAY_PROTOCOL) {
              agentHello = true;
              agentReady = true;
              toBrowser({ t: 'hello', relay: RELAY_PROTOCOL, version: m.version, role: 'agent' });
              for (const q of queue.splice(0)) socket.write(encodeFrame(q));
              continue;
            }
            if (m?.t === 'error') toBrowser(m);
            else refuse('VERSION_MISMATCH', versionMismatchText({ role: 'host', relay: RELAY_PROTOCOL }, { role: 'agent', relay: m?.t === 'hello' ? m.relay : 0 }));
            return finish(1);
          }
          // Agent → browser: already validated by the agent's own writer; only the size is the host's business.
          toBrowser(text);
        }
      });
      socket.on('error', () => undefined);
      socket.once('close', () => {
        if (!done) toBrowser({ t: 'error', reason: 'AGENT_UNAVAILABLE', message: 'kyso-agent đã dừng. / kyso-agent stopped.' });
        finish(0);
      });
      const key = (await o.readKey()) ?? '';
      socket.write(encodeFrame(JSON.stringify({ t: 'hello', relay: RELAY_PROTOCOL, version: o.version, role: 'host', key })));
    }

    async function reachAgent(): Promise<Socket> {
      try {
        return await o.connect();
      } catch {
        log('agent not running: starting it');
        o.startAgent();
      }
      const until = Date.now() + (o.startTimeoutMs ?? 30_000);
      for (;;) {
        await sleep(100);
        try {
          return await o.connect();
        } catch (e) {
          if (Date.now() > until) throw e;
        }
      }
    }

    function forward(m: RelayMessage, text: string): void {
      // Only stream messages go to the agent; the key and hello are the host's own.
      if (m.t !== 'open' && m.t !== 'data' && m.t !== 'close') {
        refuse('PROTOCOL_ERROR', `unexpected ${m.t}`);
        return finish(1);
      }
      // The validated text itself, not a re-serialisation: documents are megabytes.
      const json = text;
      if (agentReady && agent) {
        agent.write(encodeFrame(json));
        return;
      }
      // While the agent starts, a page may already talk: bounded, then refused as a flood.
      if (queue.length >= 256) {
        refuse('PAYLOAD_TOO_LARGE', 'too many messages before the agent answered');
        return finish(1);
      }
      queue.push(json);
    }

    function onBrowser(raw: string): void {
      let text = raw;
      let m = safeRead(text);
      if (m?.t === 'part') {
        let whole: string | null;
        try {
          whole = joiner.add(m);
        } catch (e) {
          refuse(e instanceof Error && e.message === 'PAYLOAD_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : 'PROTOCOL_ERROR', 'message too large or malformed');
          return finish(1);
        }
        if (whole === null) return;
        text = whole;
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
      forward(m, text);
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
