// Service worker: one native-messaging port to `vn.kyso.agent` shared by every page channel (streams), the
// version handshake, and the origin of each channel taken from the browser (sender.origin, else sender.url).
import {
  BROWSER_TO_HOST_MAX_BYTES, MAX_QUEUED_BYTES, MAX_QUEUED_MESSAGES, PartJoiner, RELAY_PROTOCOL, readRelayMessage, splitMessage,
  versionMismatchText, type RelayMessage, type RelayReason,
} from '../../agent/core/protocol/relay.js';

const HOST = 'vn.kyso.agent';
const VERSION = chrome.runtime.getManifest().version;

interface Channel {
  port: chrome.runtime.Port;
  opened: boolean;
  /** What the page sent before the host answered (counted in `waiting`). */
  pending: string[];
}

let native: chrome.runtime.Port | null = null;
let ready: Promise<void> | null = null;
let agentVersion = '';
let nextStream = 1;
let nextPart = 1;
const channels = new Map<number, Channel>();
/**
 * Messages (and their UTF-16 length) waiting for the host across all channels: bounded, so pages cannot pile up
 * memory in the service worker while the host starts the agent. Past a bound the channel is closed QUEUE_FULL.
 */
const waiting = { count: 0, chars: 0 };
const QUEUE_FULL_TEXT = 'Quá nhiều yêu cầu chờ kyso-agent. / Too many requests waiting for kyso-agent.';

function enqueue(ch: Channel, text: string): boolean {
  if (waiting.count + 1 > MAX_QUEUED_MESSAGES || waiting.chars + text.length > MAX_QUEUED_BYTES) return false;
  ch.pending.push(text);
  waiting.count++;
  waiting.chars += text.length;
  return true;
}

/** Takes a channel's queued messages out of the count (to send them, or because the channel ended). */
function dequeueAll(ch: Channel): string[] {
  const out = ch.pending;
  ch.pending = [];
  waiting.count -= out.length;
  for (const t of out) waiting.chars -= t.length;
  return out;
}

/**
 * The page's origin as the browser reports it. `sender.origin` (Chrome 80+) is the frame's real origin, also for
 * sandboxed or about:blank frames; `sender.url` is the fallback for browsers without it. Never page-supplied data.
 */
export function senderOrigin(sender: chrome.runtime.MessageSender | undefined): string | null {
  if (!sender) return null;
  if (typeof sender.origin === 'string' && sender.origin !== 'null') return sender.origin;
  if (sender.origin === 'null') return null;
  try {
    const o = new URL(sender.url ?? '').origin;
    return o === 'null' ? null : o;
  } catch {
    return null;
  }
}

function toNative(m: RelayMessage): void {
  // Small enough whatever its characters (≤ 3 UTF-8 bytes per UTF-16 unit, plus the envelope): no copy, no split.
  if (m.t !== 'data' || m.text.length * 3 + 256 <= BROWSER_TO_HOST_MAX_BYTES) {
    native?.postMessage(m);
    return;
  }
  const json = JSON.stringify(m);
  for (const piece of splitMessage(json, BROWSER_TO_HOST_MAX_BYTES, nextPart++)) native?.postMessage(JSON.parse(piece));
}

function closeChannel(s: number, reason?: RelayReason | string, message?: string): void {
  const ch = channels.get(s);
  if (!ch) return;
  channels.delete(s);
  dequeueAll(ch);
  try {
    ch.port.postMessage({ t: 'closed', ...(reason ? { reason } : {}), ...(message ? { message } : {}) });
    ch.port.disconnect();
  } catch {
    /* the page went away first */
  }
}

function failAll(reason: string, message: string): void {
  for (const s of [...channels.keys()]) closeChannel(s, reason, message);
}

/** Connects to the host once; later channels reuse the port. A failed or dropped port is retried next time. */
function connectNative(): Promise<void> {
  if (ready) return ready;
  ready = new Promise<void>((resolve, reject) => {
    let port: chrome.runtime.Port;
    try {
      port = chrome.runtime.connectNative(HOST);
    } catch (e) {
      reject(new Error(`AGENT_UNAVAILABLE:${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    native = port;
    const joiner = new PartJoiner();
    let greeted = false;
    port.onMessage.addListener((raw) => {
      let m = readRelayMessage(raw);
      if (m?.t === 'part') {
        let whole: string | null = null;
        try {
          whole = joiner.add(m);
        } catch {
          port.disconnect();
          return;
        }
        if (whole === null) return;
        m = readRelayMessage(JSON.parse(whole));
      }
      if (!m) return;
      if (!greeted) {
        if (m.t === 'hello' && m.relay === RELAY_PROTOCOL) {
          greeted = true;
          agentVersion = m.version;
          resolve();
        } else if (m.t === 'hello') {
          reject(new Error(`VERSION_MISMATCH:${versionMismatchText({ role: 'extension', relay: RELAY_PROTOCOL }, { role: m.role, relay: m.relay })}`));
          port.disconnect();
        } else if (m.t === 'error') reject(new Error(`${m.reason}:${m.message}`));
        return;
      }
      route(m);
    });
    port.onDisconnect.addListener(() => {
      const why = chrome.runtime.lastError?.message ?? 'native host disconnected';
      native = null;
      ready = null;
      reject(new Error(`AGENT_UNAVAILABLE:${why}`));
      failAll('AGENT_UNAVAILABLE', why);
    });
    port.postMessage({ t: 'hello', relay: RELAY_PROTOCOL, version: VERSION, role: 'extension' });
  });
  ready.catch(() => {
    ready = null;
  });
  return ready;
}

function route(m: RelayMessage): void {
  if (m.t === 'error') return failAll(m.reason, m.message);
  if (m.t !== 'opened' && m.t !== 'data' && m.t !== 'closed') return;
  const ch = channels.get(m.s);
  if (!ch) return;
  if (m.t === 'opened') {
    ch.opened = true;
    ch.port.postMessage({ t: 'opened', version: agentVersion });
  } else if (m.t === 'data') ch.port.postMessage({ t: 'data', text: m.text });
  else closeChannel(m.s, m.reason);
}

chrome.runtime.onConnect.addListener((port) => {
  // Only our own content scripts connect here (no externally_connectable); the kind names the page channel.
  if (port.sender?.id !== chrome.runtime.id || (port.name !== 'rpc' && port.name !== 'vnpt')) {
    port.disconnect();
    return;
  }
  const kind = port.name;
  const origin = senderOrigin(port.sender);
  const s = nextStream++;
  const ch: Channel = { port, opened: false, pending: [] };
  channels.set(s, ch);
  if (origin === null) {
    closeChannel(s, 'ORIGIN_NOT_ALLOWED', 'no origin');
    return;
  }
  port.onMessage.addListener((raw) => {
    const m = raw as { t?: string; text?: unknown };
    if (m.t !== 'data' || typeof m.text !== 'string' || channels.get(s) !== ch) return;
    if (native && ready && ch.opened) toNative({ t: 'data', s, text: m.text });
    // Not opened yet, so the agent holds nothing of this stream: closing it here is enough.
    else if (!enqueue(ch, m.text)) closeChannel(s, 'QUEUE_FULL', QUEUE_FULL_TEXT);
  });
  port.onDisconnect.addListener(() => {
    if (!channels.delete(s)) return;
    dequeueAll(ch);
    if (native) toNative({ t: 'close', s });
  });
  connectNative().then(
    () => {
      if (channels.get(s) !== ch) return;
      toNative({ t: 'open', s, kind, origin });
      // The agent answers `opened` before any data of the stream; what the page sent meanwhile follows in order.
      ch.opened = true;
      for (const text of dequeueAll(ch)) toNative({ t: 'data', s, text });
    },
    (e: Error) => {
      const at = e.message.indexOf(':');
      closeChannel(s, at > 0 ? e.message.slice(0, at) : 'AGENT_UNAVAILABLE', at > 0 ? e.message.slice(at + 1) : e.message);
    },
  );
});
