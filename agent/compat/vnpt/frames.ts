// The VNPT-CA Plugin wire format: one JSON request frame in, one `<result>*<funcCallback>` text frame out.

import { parseJsonSliced, stringifyPieces, stringifySliced } from '../../core/protocol/json.js';
import { isTextPieces, piecesOf, PieceBuilder, type MessageText } from '../../core/protocol/pieces.js';
import { SLICE_CHARS, yieldToEventLoop } from '../../core/protocol/slices.js';

/** A request as the VNPT page script sends it. `domain` is what the page claims and is never trusted. */
export interface VnptRequest {
  functionID: number;
  funcCallback: string;
  args: string[];
}

/** Longest callback name echoed back: page function names are short identifiers. */
const MAX_CALLBACK = 128;
const CALLBACK_RE = /^[A-Za-z_$][A-Za-z0-9_$.]*$/;

/**
 * Parses one frame. Lenient where the page scripts vary (numeric ids sent as strings, args missing or holding
 * non-strings); returns null when the frame cannot be answered at all (not JSON, no usable callback).
 */
export async function parseVnptFrame(text: string): Promise<VnptRequest | null> {
  // Bounded parse (depth and value count checked before any object is built), a large frame in slices (docs/security.md T22).
  const parsed = await parseJsonSliced(text);
  if (!parsed.ok) return null;
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  const id = typeof o.functionID === 'string' ? Number.parseInt(o.functionID, 10) : o.functionID;
  if (typeof id !== 'number' || !Number.isInteger(id)) return null;
  const cb = typeof o.funcCallback === 'string' && o.funcCallback.length <= MAX_CALLBACK && CALLBACK_RE.test(o.funcCallback)
    ? o.funcCallback
    : 'callbackDefault';
  const args: string[] = [];
  for (const a of Array.isArray(o.args) ? (o.args as unknown[]) : []) args.push(typeof a === 'string' ? a : a == null ? '' : await stringifySliced(a));
  return { functionID: id, funcCallback: cb, args };
}

/**
 * Builds the reply frame. The page splits on `*` and reads parts 0 and 1, so a result containing `*` would be
 * cut: JSON we build and base64 never contain it, and anything else is escaped as \u002a inside JSON strings.
 */
export async function formatVnptReply(result: MessageText, funcCallback: string): Promise<MessageText> {
  if (typeof result === 'string' && result.length <= SLICE_CHARS) return `${result.replaceAll('*', '\\u002a')}*${funcCallback}`;
  // A signed document (85 MiB of base64): the same replacement piece by piece, never joined (T22).
  const reply = new PieceBuilder();
  const ascii = isTextPieces(result) && result.ascii;
  for (const piece of piecesOf(result)) {
    reply.add(piece.includes('*') ? piece.replaceAll('*', '\\u002a') : piece, ascii);
    await yieldToEventLoop();
  }
  reply.add(`*${funcCallback}`);
  return reply.done();
}

/**
 * The plugin's `{code, data, error}` result object, as JSON text; a long `data` (a signed document) as pieces, its
 * base64 slices spliced in (stringifyPieces).
 */
export function vnptResult(code: number, data = '', error = ''): Promise<MessageText> {
  return stringifyPieces({ code, data, error });
}
