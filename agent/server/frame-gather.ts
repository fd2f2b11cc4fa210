// Large WebSocket frames gathered as they arrive (docs/security.md T22, "Large messages"). ws keeps a frame's
// payload as the list of chunks the socket delivered (16–64 KiB each) and copies them into one buffer, then
// unmasks it, in a single call once the last byte is in: ~110 ms for an 85 MiB frame on an idle machine, far more
// under load. Here each chunk is copied and unmasked into the frame's buffer in the turn it arrives, so ws finds
// one finished buffer and a zero mask, and its copy and unmask are skipped. ws is pinned; the receiver fields used
// here are checked when the connection opens (like the payload cap), and the native tests fail if they change.
import { createRequire } from 'node:module';

/** Frames from this size on are gathered chunk by chunk; smaller ones are left to ws. */
export const GATHER_MIN_BYTES = 1 << 20;

/** ws's receiver state "reading the payload" (lib/receiver.js, GET_DATA). */
const GET_DATA = 4;

type MaskInto = (source: Uint8Array, mask: Uint8Array, output: Uint8Array, offset: number, length: number) => void;

function maskInJs(source: Uint8Array, mask: Uint8Array, output: Uint8Array, offset: number, length: number): void {
  for (let i = 0; i < length; i++) output[offset + i] = source[i]! ^ mask[i & 3]!;
}

/** bufferutil's native mask when ws may use it (a single executable cannot load it): the same XOR, ~20× faster. */
function loadMask(): MaskInto {
  if (process.env.WS_NO_BUFFER_UTIL) return maskInJs;
  try {
    const native = (createRequire(import.meta.url)('bufferutil') as { mask?: MaskInto }).mask;
    return typeof native === 'function' ? native : maskInJs;
  } catch {
    return maskInJs;
  }
}

let maskInto: MaskInto | undefined;

/** The fields of ws's Receiver (a Writable) this module reads and sets. */
interface Receiver {
  _state: number;
  _payloadLength: number;
  _masked: boolean;
  _mask: Uint8Array | undefined;
  _buffers: Uint8Array[];
  _bufferedBytes: number;
  _write(chunk: Uint8Array, encoding: BufferEncoding, cb: (err?: Error | null) => void): void;
  startLoop(cb: (err?: Error | null) => void): void;
}

function looksLikeReceiver(r: unknown): r is Receiver {
  const x = r as Partial<Receiver> | undefined;
  return !!x && typeof x._state === 'number' && typeof x._payloadLength === 'number' && Array.isArray(x._buffers) && typeof x._bufferedBytes === 'number'
    && typeof x._write === 'function' && typeof x.startLoop === 'function' && typeof x._masked === 'boolean';
}

/** One frame being gathered: its buffer, how much is in, and its mask (all zero once applied). */
interface Gathering {
  frame: Buffer;
  filled: number;
  mask: Uint8Array | null;
}

/** `mask` turned so that its first byte applies at `offset` of the payload. */
function maskAt(mask: Uint8Array, offset: number): Uint8Array {
  const s = offset & 3;
  return s === 0 ? mask : Uint8Array.of(mask[s]!, mask[(s + 1) & 3]!, mask[(s + 2) & 3]!, mask[(s + 3) & 3]!);
}

/**
 * Makes `receiver` (ws's, of one connection) gather large frames chunk by chunk. False when it is not the
 * receiver this module knows (the caller refuses the connection rather than run unbounded).
 */
export function gatherLargeFrames(receiver: unknown): boolean {
  if (!looksLikeReceiver(receiver)) return false;
  maskInto ??= loadMask();
  const mask = maskInto;
  const write = receiver._write.bind(receiver);
  let current: Gathering | null = null;

  const put = (g: Gathering, bytes: Uint8Array): void => {
    if (g.mask) mask(bytes, maskAt(g.mask, g.filled), g.frame, g.filled, bytes.length);
    else g.frame.set(bytes, g.filled);
    g.filled += bytes.length;
  };

  receiver._write = function gatherWrite(chunk, encoding, cb): void {
    const r = receiver;
    if (r._state !== GET_DATA || r._payloadLength < GATHER_MIN_BYTES) {
      write(chunk, encoding, cb);
      return;
    }
    if (!current) {
      // The header (and mask) were just read; what ws already holds is the start of this payload (it would have
      // taken the payload already if all of it were in).
      const g: Gathering = { frame: Buffer.allocUnsafe(r._payloadLength), filled: 0, mask: r._masked && r._mask ? Uint8Array.from(r._mask) : null };
      for (const b of r._buffers) put(g, b);
      r._buffers = [];
      r._bufferedBytes = 0;
      current = g;
    }
    const g = current;
    const need = g.frame.length - g.filled;
    if (chunk.length < need) {
      put(g, chunk);
      cb();
      return;
    }
    put(g, chunk.subarray(0, need));
    current = null;
    // ws now finds the whole payload as one buffer (no copy) and a zero mask (no unmask).
    if (g.mask) r._mask = new Uint8Array(4);
    r._buffers = chunk.length > need ? [g.frame, chunk.subarray(need)] : [g.frame];
    r._bufferedBytes = g.frame.length + chunk.length - need;
    r.startLoop(cb);
  };
  return true;
}
