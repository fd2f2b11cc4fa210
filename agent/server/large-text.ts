// Large messages through the transport in slices (docs/security.md T22): decoding 85 MiB of UTF-8 or writing an
// 85 MiB answer (TLS-encrypted on the main thread) in one call blocks the agent for hundreds of milliseconds.
import { isAscii, isUtf8 } from 'node:buffer';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BYTES_FROM } from '../core/protocol/json-bytes.js';
import { piecesOf, type MessageText } from '../core/protocol/pieces.js';
import { decodeBase64Sliced, textSlices, utf8SliceEnd, yieldToEventLoop } from '../core/protocol/slices.js';

export { textSlices };

/** Bytes decoded, or characters written, between two turns of the event loop. */
export const TEXT_SLICE = 1 << 20;

/** UTF-8 → string; `fatal` refuses malformed input (TypeError) as TextDecoder does. Large input yields between slices. */
export async function decodeUtf8Sliced(bytes: Uint8Array, fatal: boolean): Promise<string> {
  const decoder = new TextDecoder('utf-8', { fatal });
  if (bytes.length <= TEXT_SLICE) return decoder.decode(bytes);
  // The frame was just assembled (one large copy in ws, in the poll phase): a timer turn lets heartbeats run first.
  await yieldToEventLoop();
  // A document in base64 is ASCII: one native copy into a one-byte string, the least any string of it costs.
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  // Otherwise slices cut between characters (never before a continuation byte), each decoded on its own
  // (TextDecoder's streaming mode is several times slower than whole-input decoding). Only the first may drop a BOM:
  // a later slice that starts with U+FEFF keeps it.
  const inner = new TextDecoder('utf-8', { fatal, ignoreBOM: true });
  const parts: string[] = [];
  for (let pos = 0; pos < bytes.length;) {
    const end = utf8SliceEnd(bytes, pos, bytes.length, TEXT_SLICE);
    parts.push((pos === 0 ? decoder : inner).decode(bytes.subarray(pos, end)));
    pos = end;
    await nextTurn();
  }
  return parts.join('');
}

/**
 * A received message for a handler that takes a large one as bytes (the JSON-RPC dispatcher): from BYTES_FROM on
 * the bytes themselves, so no 85 MiB string is made of them (T22), once their UTF-8 is known good — `fatal`: checked
 * here (one native pass), malformed → the TypeError decodeUtf8Sliced throws; otherwise ws has checked them (a text
 * frame) or the handler's decoding replaces what is malformed, as decodeUtf8Sliced would. Smaller: the text.
 */
export async function messageOf(bytes: Uint8Array, fatal: boolean, asBytes = true): Promise<string | Uint8Array> {
  if (!asBytes || bytes.length < BYTES_FROM) return decodeUtf8Sliced(bytes, fatal);
  // As decodeUtf8Sliced: the frame was just assembled, a timer turn lets heartbeats run first.
  await yieldToEventLoop();
  if (fatal && !isAscii(bytes) && !isUtf8(bytes)) throw new TypeError('The encoded data was not valid for encoding utf-8');
  return bytes;
}

/** What takes received messages: text, and large ones as bytes when it has handleBytes (a FrameHandler). */
interface TakesMessages<R> {
  handle(text: string, parsed?: () => void): Promise<R>;
  handleBytes?(bytes: Uint8Array, parsed?: () => void): Promise<R>;
}

/** A message from messageOf to the handler's method for it. */
export function handOn<R>(handler: TakesMessages<R>, message: string | Uint8Array, parsed?: () => void): Promise<R> {
  if (typeof message === 'string') return handler.handle(message, parsed);
  if (!handler.handleBytes) throw new TypeError('a message as bytes for a handler of text');
  return handler.handleBytes(message, parsed);
}

/**
 * Base64 → UTF-8 text, both steps in slices (a VNPT page's 64 MiB XML, read for its root and options). Not base64
 * → '' (the signing method then refuses the document itself).
 */
export async function decodeBase64TextSliced(b64: string): Promise<string> {
  const bytes = await decodeBase64Sliced(b64);
  return bytes ? decodeUtf8Sliced(bytes, false) : '';
}

/**
 * Sends text messages on one WebSocket in order; a large one goes out as fragments of one message, each written
 * (and encrypted) in its own turn, so nothing else may be sent between them: every send of the connection queues
 * here. An answer given as pieces is sent piece by piece, never joined (a string is cut with textSlices).
 */
export class MessageQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly sendFrame: (data: string, fin: boolean, done: (err?: Error) => void) => void, private readonly open: () => boolean) {}

  send(text: MessageText): Promise<void> {
    const run = async (): Promise<void> => {
      try {
        await this.write(text);
      } catch {
        // A socket that failed mid-answer is closing; its close handler reports it.
      }
    };
    this.tail = this.tail.then(run, run);
    return this.tail;
  }

  private async write(text: MessageText): Promise<void> {
    if (!this.open()) return;
    if (typeof text === 'string' && text.length <= TEXT_SLICE) {
      this.sendFrame(text, true, () => undefined);
      return;
    }
    // One piece ahead, so the last fragment is known (fin) without listing a string's slices first.
    const pieces = piecesOf(text)[Symbol.iterator]();
    let next = pieces.next();
    while (!next.done) {
      if (!this.open()) return;
      const piece = next.value;
      next = pieces.next();
      await new Promise<void>((resolve) => this.sendFrame(piece, next.done === true, () => resolve()));
      if (!next.done) await nextTurn();
    }
  }
}
