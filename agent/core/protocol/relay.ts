// The relay protocol spoken by the companion extension, the native-messaging host and the agent's local channel
// (docs/extension.md). Pure: bundled into the extension as is, so no Node and no DOM here.

/**
 * Version of the relay messages below. Extension, host and agent each send it in `hello`; any difference is
 * refused with VERSION_MISMATCH and a message saying which side to update (an old extension after an agent
 * upgrade must fail clearly, not half-work).
 */
export const RELAY_PROTOCOL = 1;
/**
 * Version of the local channel between the native host and the agent (hello with nonces and proofs, binary data
 * frames). Both ends ship in one kyso-agent install; a host started by a newer install meeting an agent still
 * running from the older one gets VERSION_MISMATCH ("update kyso-agent": restart it).
 */
export const CHANNEL_PROTOCOL = 2;

/** Native messaging: the largest message a host may send to the browser (Chrome's limit). */
export const HOST_TO_BROWSER_MAX_BYTES = 1024 * 1024;
/** Largest single message the extension sends to the host: below Chrome's 64 MiB, larger texts go in parts. */
export const BROWSER_TO_HOST_MAX_BYTES = 32 * 1024 * 1024;
/** Largest text one stream message may carry once its parts are joined (a 64 MiB document in base64 + JSON). */
export const MAX_RELAY_TEXT_BYTES = 96 * 1024 * 1024;
/** Streams (page channels) one relay connection may hold open. */
export const MAX_RELAY_STREAMS = 64;
/** Requests one stream may have in flight; more are answered RATE_LIMITED (a page flooding the relay). */
export const MAX_STREAM_INFLIGHT = 16;
/**
 * Messages waiting for the agent (while the host connects to or starts it, or the extension waits for the host):
 * at most this many and these many bytes (UTF-16 units in the extension, UTF-8 bytes in the host); more → the
 * stream is closed with QUEUE_FULL. Room for one largest message plus small ones.
 */
export const MAX_QUEUED_MESSAGES = 256;
export const MAX_QUEUED_BYTES = MAX_RELAY_TEXT_BYTES + 1024 * 1024;

/** What a page channel speaks: JSON-RPC of the agent, or the VNPT-CA Plugin frames of the shim. */
export type StreamKind = 'rpc' | 'vnpt';

/** Why the relay refused or ended something: stable names, shown to users by the extension and the SDK. */
export type RelayReason =
  | 'VERSION_MISMATCH'
  | 'AGENT_UNAVAILABLE'
  | 'ORIGIN_NOT_ALLOWED'
  | 'TOO_MANY_STREAMS'
  | 'PAYLOAD_TOO_LARGE'
  /** The agent's in-flight byte budget is full (as WebSocket close 1013): retry later. */
  | 'BUSY'
  /** Too many messages or bytes waiting for the agent to answer. */
  | 'QUEUE_FULL'
  | 'PROTOCOL_ERROR';

export type RelayMessage =
  /**
   * Host ↔ agent only: `nonce` (each side's fresh challenge) and, from the agent, `proof` — an HMAC of both nonces
   * under the per-start channel key (docs/extension.md "The local channel"). The key itself never travels.
   */
  | { t: 'hello'; relay: number; version: string; role: 'extension' | 'host' | 'agent'; nonce?: string; proof?: string }
  /** Host → agent: the host's own proof, after it checked the agent's. */
  | { t: 'auth'; proof: string }
  | { t: 'error'; reason: RelayReason; message: string }
  | { t: 'open'; s: number; kind: StreamKind; origin: string }
  | { t: 'opened'; s: number }
  | { t: 'data'; s: number; text: string }
  | { t: 'close'; s: number }
  | { t: 'closed'; s: number; reason?: RelayReason }
  /** One piece of a message too large for one native message: `text` pieces joined in order form its JSON. */
  | { t: 'part'; id: number; last: boolean; text: string };

const KINDS: ReadonlySet<string> = new Set(['rpc', 'vnpt']);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isHex = (v: unknown): v is string => typeof v === 'string' && v.length <= 128 && /^[0-9a-f]+$/.test(v);

/** Strict shape check of one relay message; null for anything else (the peer is then told PROTOCOL_ERROR). */
export function readRelayMessage(value: unknown): RelayMessage | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  switch (m.t) {
    case 'hello':
      return isInt(m.relay) && typeof m.version === 'string' && m.version.length <= 64 && (m.role === 'extension' || m.role === 'host' || m.role === 'agent')
        ? { t: 'hello', relay: m.relay, version: m.version, role: m.role, ...(isHex(m.nonce) ? { nonce: m.nonce } : {}), ...(isHex(m.proof) ? { proof: m.proof } : {}) }
        : null;
    case 'auth':
      return isHex(m.proof) ? { t: 'auth', proof: m.proof } : null;
    case 'error':
      return typeof m.reason === 'string' && typeof m.message === 'string' ? { t: 'error', reason: m.reason as RelayReason, message: m.message } : null;
    case 'open':
      return isInt(m.s) && typeof m.kind === 'string' && KINDS.has(m.kind) && typeof m.origin === 'string' && m.origin.length <= 2048
        ? { t: 'open', s: m.s, kind: m.kind as StreamKind, origin: m.origin }
        : null;
    case 'opened':
    case 'close':
      return isInt(m.s) ? { t: m.t, s: m.s } : null;
    case 'closed':
      return isInt(m.s) ? (typeof m.reason === 'string' ? { t: 'closed', s: m.s, reason: m.reason as RelayReason } : { t: 'closed', s: m.s }) : null;
    case 'data':
      return isInt(m.s) && typeof m.text === 'string' ? { t: 'data', s: m.s, text: m.text } : null;
    case 'part':
      return isInt(m.id) && typeof m.last === 'boolean' && typeof m.text === 'string' ? { t: 'part', id: m.id, last: m.last, text: m.text } : null;
    default:
      return null;
  }
}

/** UTF-8 length of a string without allocating (TextEncoder is not needed for a count). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Splits one serialised message into `part` messages whose own serialisation stays within `maxBytes`; a message
 * that already fits is returned as is. Pieces never cut a surrogate pair. `byteLength`: a native UTF-8 count where
 * there is one (the host passes Buffer.byteLength).
 */
export function splitMessage(json: string, maxBytes: number, id: number, byteLength: (s: string) => number = utf8Length): string[] {
  // A text of n UTF-16 units is at most 3n UTF-8 bytes: most small messages need no count at all.
  if (json.length * 3 <= maxBytes || byteLength(json) <= maxBytes) return [json];
  const out: string[] = [];
  // Base64 and JSON punctuation are one byte per char: start with pieces that fill a message, and shrink a piece
  // by what it overflowed when escapes or non-ASCII made it larger (fewer, fuller messages: each costs the browser
  // a parse and a hop).
  let size = Math.max(1024, maxBytes - 256);
  for (let at = 0; at < json.length; ) {
    let end = Math.min(json.length, at + size);
    const code = json.charCodeAt(end - 1);
    if (end < json.length && code >= 0xd800 && code <= 0xdbff) end--;
    const last = end >= json.length;
    const msg = `{"t":"part","id":${id},"last":${last},"text":${JSON.stringify(json.slice(at, end))}}`;
    const bytes = byteLength(msg);
    if (bytes > maxBytes && end - at > 16) {
      size = Math.max(16, end - at - (bytes - maxBytes) - 64);
      continue;
    }
    out.push(msg);
    at = end;
  }
  return out;
}

/** A FIFO bounded in count and in size (the caller says what each item weighs); nothing is queued past a bound. */
export class BoundedQueue<T> {
  private items: T[] = [];
  private weight = 0;

  constructor(
    private readonly maxCount: number = MAX_QUEUED_MESSAGES,
    private readonly maxWeight: number = MAX_QUEUED_BYTES,
  ) {}

  /** Queues `item`; false (and nothing queued) when it would pass either bound. */
  push(item: T, weight: number): boolean {
    if (this.items.length >= this.maxCount || this.weight + weight > this.maxWeight) return false;
    this.items.push(item);
    this.weight += weight;
    return true;
  }

  /** Everything queued, in order; the queue is empty afterwards. */
  drain(): T[] {
    const out = this.items;
    this.items = [];
    this.weight = 0;
    return out;
  }

  get length(): number {
    return this.items.length;
  }
}

/** Joins `part` messages back into whole messages, bounded in total size. */
export class PartJoiner {
  private id = -1;
  private pieces: string[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number = MAX_RELAY_TEXT_BYTES) {}

  /**
   * Adds one part. Returns the whole message's text when `last`, null while waiting, or throws PAYLOAD_TOO_LARGE /
   * PROTOCOL_ERROR (parts of two messages interleaved) — the sender writes one message's parts in a row.
   */
  add(part: { id: number; last: boolean; text: string }): string | null {
    if (this.pieces.length > 0 && part.id !== this.id) throw new Error('PROTOCOL_ERROR');
    this.id = part.id;
    this.bytes += part.text.length;
    if (this.bytes > this.maxBytes) {
      this.reset();
      throw new Error('PAYLOAD_TOO_LARGE');
    }
    this.pieces.push(part.text);
    if (!part.last) return null;
    const whole = this.pieces.join('');
    this.reset();
    return whole;
  }

  private reset(): void {
    this.pieces = [];
    this.bytes = 0;
    this.id = -1;
  }
}

/** The user-facing text for a version mismatch (Vietnamese first): which side is older and what to update. */
export function versionMismatchText(mine: { role: string; relay: number }, theirs: { role: string; relay: number }): string {
  const older = mine.relay < theirs.relay ? mine.role : theirs.role;
  const [vi, en] = older === 'extension' ? ['tiện ích trình duyệt kyso-agent', 'the kyso-agent browser extension'] : ['kyso-agent', 'kyso-agent'];
  return `Phiên bản không khớp (${mine.role} ${mine.relay}, ${theirs.role} ${theirs.relay}): hãy cập nhật ${vi}. / Version mismatch: please update ${en}.`;
}
