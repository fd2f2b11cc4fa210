// Native-messaging framing: a 4-byte little-endian length, then that many bytes of UTF-8 JSON. The same framing
// carries the host's stdio (Chrome/Firefox) and the local channel between the host and the agent.

/** Encodes one message (already serialised JSON). */
export function encodeFrame(json: string): Buffer {
  // One buffer, one copy of the text (documents are megabytes).
  const n = Buffer.byteLength(json, 'utf8');
  const frame = Buffer.allocUnsafe(4 + n);
  frame.writeUInt32LE(n, 0);
  frame.write(json, 4, 'utf8');
  return frame;
}

export class FrameTooLarge extends Error {
  constructor(readonly declared: number) {
    super(`frame of ${declared} bytes exceeds the limit`);
    this.name = 'FrameTooLarge';
  }
}

/**
 * Incremental decoder with a hard cap: a length above `maxBytes` throws FrameTooLarge before any of its body is
 * buffered (the stream cannot be resynchronised after that, so the caller closes it).
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = -1;

  constructor(private readonly maxBytes: number) {}

  /** Feeds bytes; returns the complete messages (as text) they finish. */
  push(chunk: Buffer): string[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: string[] = [];
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < 4) break;
        const head = this.take(4);
        const n = head.readUInt32LE(0);
        if (n > this.maxBytes) throw new FrameTooLarge(n);
        this.need = n;
      }
      if (this.buffered < this.need) break;
      out.push(this.take(this.need).toString('utf8'));
      this.need = -1;
    }
    return out;
  }

  /** Bytes held for an unfinished frame. */
  pending(): number {
    return this.buffered;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return head;
  }
}
