// Frames of the local channel between the native host and the agent (docs/extension.md "The local channel").
// Each frame: a 4-byte little-endian length, then the body. A body starting with `{` is a control message (relay
// JSON: hello, auth, open, close, opened, closed, error). A body starting with 0x01 is stream data: a 4-byte
// little-endian stream id, then the page's text as UTF-8 — no JSON envelope, so a document is neither escaped nor
// parsed twice, and the receiver knows the stream (and so the origin and its cap) before it buffers the text.

export const DATA_TAG = 0x01;
const CONTROL_TAG = 0x7b; // '{'
const DATA_HEAD = 9;

function writeHead(frame: Buffer, s: number, bytes: number): Buffer {
  frame.writeUInt32LE(bytes + 5, 0);
  frame[4] = DATA_TAG;
  frame.writeUInt32LE(s, 5);
  return frame;
}

/** The head of a data frame whose text of `bytes` UTF-8 bytes follows (written separately, in slices). */
export function dataHeader(s: number, bytes: number): Buffer {
  return writeHead(Buffer.allocUnsafe(DATA_HEAD), s, bytes);
}

/** One data frame: header and text in one buffer, the text copied once. */
export function dataFrame(s: number, text: string): Buffer {
  const n = Buffer.byteLength(text, 'utf8');
  const frame = writeHead(Buffer.allocUnsafe(DATA_HEAD + n), s, n);
  frame.write(text, DATA_HEAD, 'utf8');
  return frame;
}

/** A control message (JSON starting with `{`): the same layout as a native message. */
export { encodeFrame as controlFrame } from './framing.js';

/**
 * A decoded frame. Data comes as its UTF-8 bytes, gathered into one buffer as they arrived: the receiver decodes
 * them (the agent in slices, docs/security.md T22).
 */
export type ChannelEvent = { kind: 'control'; text: string } | { kind: 'data'; s: number; bytes: Buffer };

/** A frame the channel cannot carry: the connection ends (it cannot be resynchronised safely). */
export class ChannelFrameError extends Error {
  constructor(readonly reason: 'PAYLOAD_TOO_LARGE' | 'PROTOCOL_ERROR', detail: string) {
    super(detail);
    this.name = 'ChannelFrameError';
  }
}

export interface ChannelDecoderOptions {
  /** Largest control message (hello, open …: a few hundred bytes in practice). */
  maxControlBytes: number;
  /** Largest data text at all (the relay's own cap); above it the connection ends. */
  maxDataBytes: number;
  /**
   * Called at each data frame's header, before any of its text is buffered: true to receive it, false to have the
   * decoder skip its bytes (the caller has already told the stream why). Default: accept. Every earlier frame's
   * event has been handled by then (an `open` just before its first data counts).
   */
  admit?(s: number, bytes: number): boolean;
  /** Each complete frame, in order, as soon as it is decoded. */
  onEvent(ev: ChannelEvent): void;
}

/** Incremental decoder of channel frames, with every size decided at the header. */
export class ChannelDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Body bytes of the current frame (-1: reading a length). */
  private need = -1;
  /** The current data frame's stream (-1: not yet known / a control frame). */
  private stream = -1;
  /** Bytes of a refused frame still to throw away. */
  private skip = 0;
  private halted = false;
  /** The current data frame's text, allocated at its header and filled chunk by chunk (no whole-message concat). */
  private gather: { bytes: Buffer; filled: number } | null = null;

  constructor(private readonly o: ChannelDecoderOptions) {}

  /** Stops decoding (the connection is ending): buffered and later bytes are dropped, no more events. */
  halt(): void {
    this.halted = true;
    this.chunks = [];
    this.buffered = 0;
    this.gather = null;
  }

  /** Feeds bytes; complete frames go to `onEvent` one by one. Throws ChannelFrameError (then halted). */
  push(chunk: Buffer): void {
    try {
      this.decode(chunk);
    } catch (e) {
      this.halt();
      throw e;
    }
  }

  private decode(chunk: Buffer): void {
    if (this.halted) return;
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      chunk = chunk.subarray(n);
    }
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    while (!this.halted) {
      if (this.skip > 0) {
        // A refused frame: drop what is buffered of it and keep dropping as bytes arrive.
        const n = Math.min(this.skip, this.buffered);
        this.take(n);
        this.skip -= n;
        if (this.skip > 0) break;
        continue;
      }
      if (this.need < 0) {
        if (this.buffered < 5) break;
        const head = this.peek(5);
        const n = head.readUInt32LE(0);
        if (n === 0) throw new ChannelFrameError('PROTOCOL_ERROR', 'empty frame');
        if (head[4] === CONTROL_TAG) {
          if (n > this.o.maxControlBytes) throw new ChannelFrameError('PAYLOAD_TOO_LARGE', 'control message too large');
          this.take(4);
          this.need = n;
          this.stream = -1;
        } else if (head[4] === DATA_TAG) {
          if (n < 5) throw new ChannelFrameError('PROTOCOL_ERROR', 'short data frame');
          if (n - 5 > this.o.maxDataBytes) throw new ChannelFrameError('PAYLOAD_TOO_LARGE', 'message too large');
          if (this.buffered < DATA_HEAD) break;
          const s = this.take(DATA_HEAD).readUInt32LE(5);
          if (this.o.admit && !this.o.admit(s, n - 5)) {
            this.skip = n - 5;
            continue;
          }
          this.need = n - 5;
          this.stream = s;
          this.gather = { bytes: Buffer.allocUnsafe(n - 5), filled: 0 };
        } else {
          throw new ChannelFrameError('PROTOCOL_ERROR', 'unknown frame');
        }
      }
      let ev: ChannelEvent;
      if (this.gather) {
        if (!this.fill(this.gather)) break;
        ev = { kind: 'data', s: this.stream, bytes: this.gather.bytes };
        this.gather = null;
      } else {
        if (this.buffered < this.need) break;
        ev = { kind: 'control', text: this.take(this.need).toString('utf8') };
      }
      this.need = -1;
      this.stream = -1;
      this.o.onEvent(ev);
    }
  }

  /** Moves buffered chunks into the data frame being gathered; true once it is complete. */
  private fill(g: { bytes: Buffer; filled: number }): boolean {
    while (g.filled < g.bytes.length && this.chunks.length > 0) {
      const c = this.chunks[0]!;
      const n = Math.min(c.length, g.bytes.length - g.filled);
      c.copy(g.bytes, g.filled, 0, n);
      g.filled += n;
      this.buffered -= n;
      if (n === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(n);
    }
    return g.filled === g.bytes.length;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!.subarray(0, n);
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    let all: Buffer;
    if (first && first.length >= n) all = first;
    else {
      all = Buffer.concat(this.chunks);
      this.chunks = [all];
    }
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks.shift();
    if (rest.length > 0) this.chunks.unshift(rest);
    this.buffered -= n;
    return head;
  }
}
