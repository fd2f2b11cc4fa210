// A large answer's text as ordered pieces from the encoder to the socket, never one flat string (docs/security.md
// T22): flattening the ~85 MiB text of a signed 64 MiB document copies it in one call of ~60–70 ms on an idle
// machine and several times that under load. The transports write the pieces in order, with a turn between them.
import { SLICE_CHARS, textSlices, yieldToEventLoop } from './slices.js';

/**
 * A text carried as pieces: joined in order they are the text. Each piece is at most PIECE_MAX characters and
 * whole UTF-16 (no surrogate pair split between two pieces), so UTF-8 encoding the pieces one by one gives the
 * text's UTF-8 exactly.
 */
export interface TextPieces {
  readonly pieces: readonly string[];
  /** Characters in all (the sum of the pieces' lengths). */
  readonly length: number;
  /** Every character is ASCII (a document in base64 with its JSON envelope): its UTF-8 bytes are its characters. */
  readonly ascii: boolean;
}

/** An answer as the dispatcher gives it to a transport: a small one as a string, a large one (≥ SLICE_CHARS) as pieces. */
export type MessageText = string | TextPieces;

/** Small parts (JSON between long strings, a quote) join the previous piece while it stays under this. */
export const PIECE_MAX = SLICE_CHARS + 64 * 1024;

/** A character above U+007F (surrogate halves included: no `u` flag). */
const NOT_ASCII = /[\u0080-\uffff]/;

export function isTextPieces(text: unknown): text is TextPieces {
  return typeof text === 'object' && text !== null && Array.isArray((text as TextPieces).pieces);
}

/** The pieces of a text to write one per turn: a string's textSlices (cheap for a flat string), or its pieces. */
export function piecesOf(text: MessageText): Iterable<string> {
  return typeof text === 'string' ? textSlices(text) : text.pieces;
}

/**
 * The whole text as one string. Flattening a large one is the very copy pieces avoid: for tests and for small
 * answers only (an in-process caller that must read the answer uses parseAnswer).
 */
export function joinPieces(text: MessageText): string {
  return typeof text === 'string' ? text : text.pieces.join('');
}

/**
 * Bytes of the text's UTF-8: its length when pieces known to be ASCII, otherwise `byteLength` (the host's native
 * count) piece by piece (a long string: slice by slice), with a turn every 16 pieces (~0.25 ms each). Transports
 * need it before writing (Content-Length, a frame header).
 */
export async function utf8Length(text: MessageText, byteLength: (piece: string) => number): Promise<number> {
  if (typeof text !== 'string' && text.ascii) return text.length;
  let bytes = 0;
  let counted = 0;
  for (const piece of piecesOf(text)) {
    bytes += byteLength(piece);
    if (++counted % 16 === 0) await yieldToEventLoop();
  }
  return bytes;
}

/** Gathers a text as pieces: small parts are joined to the piece before them, long ones kept as they come. */
export class PieceBuilder {
  private readonly pieces: string[] = [];
  private length = 0;
  private ascii = true;

  /**
   * Adds a part. `ascii`: the caller knows it is (base64); otherwise a small part is tested here and a long one
   * counts as not ASCII (testing it would read all of it). A part longer than PIECE_MAX must be a flat string
   * (cutting a rope flattens it): JSON.stringify's output or a substring of one.
   */
  add(part: string, ascii = false): void {
    if (part.length === 0) return;
    this.length += part.length;
    if (this.ascii && !ascii) this.ascii = part.length <= 4096 && !NOT_ASCII.test(part);
    if (part.length > PIECE_MAX) {
      for (const slice of textSlices(part)) this.pieces.push(slice);
      return;
    }
    const last = this.pieces.length - 1;
    if (last >= 0 && this.pieces[last]!.length + part.length <= PIECE_MAX && (part.length < 4096 || this.pieces[last]!.length < 4096)) {
      this.pieces[last] += part;
    } else this.pieces.push(part);
  }

  /** A string when short (joined: a few small parts), pieces from SLICE_CHARS characters on. */
  done(): MessageText {
    if (this.length < SLICE_CHARS) return this.pieces.join('');
    return { pieces: this.pieces, length: this.length, ascii: this.ascii };
  }
}
