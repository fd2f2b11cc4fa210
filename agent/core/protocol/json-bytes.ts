// A large JSON-RPC message parsed from its UTF-8 bytes (docs/security.md "Large messages from approved sites"): the
// document it carries in base64 is decoded straight from the message's bytes and never becomes an 85 MiB string.
import { Base64Literal, decodeBase64Steps } from './base64-literal.js';
import { concatBytes } from './encoding.js';
import {
  LIFTED, LONG_LITERAL_CHARS, SKELETON_FROM_CHARS, forgesStandIn, literalValue, parseJson, parseSkeleton, parseSteps, runSteps, runStepsSliced,
  type JsonParseResult,
} from './json.js';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from './limits.js';
import { HIT_WORK, SCAN_WORK, SLICE_CHARS, pace, spent, utf8SliceEnd, type Pace } from './slices.js';

/** Messages of at least this many bytes are parsed from their bytes; a smaller one is decoded and parsed as text. */
export const BYTES_FROM = SKELETON_FROM_CHARS;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Bytes searched natively at a time (a window's search is counted byte for byte: it is one native call). */
const WINDOW = SCAN_WORK;
const ascii = new TextEncoder();
/**
 * Malformed sequences become U+FFFD: the transports hand over bytes they checked (WebSocket text frames, HTTP
 * bodies, binary frames) or that they decode with replacement (the extension relay), so this is their decoding.
 * A BOM is kept here (a piece may start with one); only the message's leading BOM is dropped, as TextDecoder does.
 */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
/** A raw control character: JSON.parse refuses it in a string, so a literal holding one is parsed as parseJson would. */
// eslint-disable-next-line no-control-regex -- exactly the characters JSON.parse refuses raw in a string
const CONTROL = /[\u0000-\u001f]/;
const BASE64_TEXT = /^[A-Za-z0-9+/=]*$/;

/** Index of `byte` at or after `from`, or -1: a short look in JS, then a native search a window at a time. */
function* find(bytes: Uint8Array, byte: number, from: number, work: Pace): Generator<void, number> {
  const near = Math.min(from + 64, bytes.length);
  for (let i = from; i < near; i++) {
    if (bytes[i] === byte) {
      if (spent(work, i + 1 - from + HIT_WORK)) yield;
      return i;
    }
  }
  for (let start = near; start < bytes.length;) {
    const end = Math.min(start + WINDOW, bytes.length);
    const j = bytes.subarray(start, end).indexOf(byte);
    if (spent(work, j === -1 ? end - start : j + 1 + HIT_WORK)) yield;
    if (j !== -1) return start + j;
    start = end;
  }
  return -1;
}

/** Index of the closing quote of the string opened at `open`, or -1 when unterminated (escapes honoured). */
function* stringEnd(bytes: Uint8Array, open: number, work: Pace): Generator<void, number> {
  // In UTF-8 the bytes of '"' and '\' never occur inside a multi-byte sequence: the search is exact on bytes.
  for (let j = open; ;) {
    j = yield* find(bytes, QUOTE, j + 1, work);
    if (j === -1) return -1;
    // A run of backslashes may be the whole string: counted in turns too.
    let slashes = 0;
    for (let k = j - 1; bytes[k] === BACKSLASH; k--) {
      slashes++;
      if (spent(work, 1)) yield;
    }
    if (slashes % 2 === 0) return j;
  }
}

/** A value literal of at least LONG_LITERAL_CHARS bytes: its quotes and the nesting it sits in (1: the message's object). */
interface Long {
  open: number;
  close: number;
  depth: number;
}

type Shape = { exceeds: string | null; unterminated: boolean; long: Long[] };

/** parseJson's pre-scan over bytes: the same depth and value counts, the same refusals, the long value literals. */
function* scanBytes(bytes: Uint8Array, maxDepth: number, maxValues: number, work: Pace): Generator<void, Shape> {
  const long: Long[] = [];
  let depth = 0;
  let values = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (spent(work, 1)) yield;
    const c = bytes[i];
    if (c === QUOTE) {
      const end = yield* stringEnd(bytes, i, work);
      // Unterminated: JSON.parse of the text would report a syntax error.
      if (end === -1) return { exceeds: null, unterminated: true, long };
      // A long member name stays in the skeleton (JSON.parse handles it); only values are lifted.
      if (end - i > LONG_LITERAL_CHARS && bytes[skipSpace(bytes, end + 1)] !== 0x3a) long.push({ open: i, close: end, depth });
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return { exceeds: `nesting deeper than ${maxDepth}`, unterminated: false, long };
      if (++values > maxValues) return { exceeds: `more than ${maxValues} values`, unterminated: false, long };
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x2c && ++values > maxValues) return { exceeds: `more than ${maxValues} values`, unterminated: false, long };
  }
  return { exceeds: null, unterminated: false, long };
}

function skipSpace(bytes: Uint8Array, i: number): number {
  let j = i;
  for (let c = bytes[j]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = bytes[++j]);
  return j;
}

/** Decoded text, and whether every piece was all base64 alphabet / whether one held a raw control character. */
interface Decoded {
  text: string;
  base64: boolean;
  control: boolean;
}

/**
 * UTF-8 of `bytes[from, to)` as text, in SLICE_CHARS pieces cut between characters (each looked at by the two
 * checks, so no regular expression runs over 85 MiB at once), a yield between pieces.
 */
function* decodeUtf8(bytes: Uint8Array, from: number, to: number): Generator<void, Decoded> {
  const out: Decoded = { text: '', base64: true, control: false };
  for (let pos = from; pos < to;) {
    const end = utf8SliceEnd(bytes, pos, to, SLICE_CHARS);
    const piece = utf8.decode(bytes.subarray(pos, end));
    out.text += piece;
    out.base64 &&= BASE64_TEXT.test(piece);
    out.control ||= CONTROL.test(piece);
    pos = end;
    if (pos < to) yield;
  }
  return out;
}

/** The message must be parsed whole, as text: a lifted literal would be taken as written where JSON.parse refuses. */
const WHOLE = Symbol('whole');

/**
 * The value of one long literal: a Base64Literal when it is all base64 alphabet inside the request's params
 * (deeper than the message's own members, whose types the dispatcher reads before any schema), else its text as
 * parseJson would lift it.
 */
function* liftedValue(bytes: Uint8Array, literal: Long): Generator<void, unknown> {
  const from = literal.open + 1;
  const to = literal.close;
  if (literal.depth >= 2) {
    const decoded = yield* decodeBase64Steps(bytes, from, to);
    if (decoded !== null) return new Base64Literal(to - from, decoded);
  }
  // Not base64 (or badly padded): rare, so worked as text.
  const { text, base64, control } = yield* decodeUtf8(bytes, from, to);
  if (literal.depth >= 2 && base64) return new Base64Literal(text.length, null);
  if (control) return WHOLE;
  return yield* literalValue(text, -1, text.length);
}

/**
 * parseJson of the message's bytes, with the same outcomes as parseJson of their UTF-8 text (malformed sequences
 * replaced): the same depth/value pre-scan (on bytes), the same refusals and the same values, except that a long
 * literal of base64 alphabet inside the params is a Base64Literal (its bytes decoded from the message's bytes in
 * slices) instead of a string. A message whose skeleton holds a string that reads as a stand-in, or a long literal
 * with a raw control character, is decoded and parsed as text: exactly parseJson's result.
 */
export function* parseBytesSteps(message: Uint8Array, maxDepth: number, maxValues: number): Generator<void, JsonParseResult> {
  const bytes = message[0] === 0xef && message[1] === 0xbb && message[2] === 0xbf ? message.subarray(3) : message;
  if (message.length < BYTES_FROM) return parseJson(utf8.decode(bytes), maxDepth, maxValues);
  yield;
  const work = pace();
  const asText = function* (): Generator<void, JsonParseResult> {
    return yield* parseSteps((yield* decodeUtf8(bytes, 0, bytes.length)).text, maxDepth, maxValues);
  };
  const shape = yield* scanBytes(bytes, maxDepth, maxValues, work);
  if (shape.exceeds !== null) return { ok: false, reason: 'INVALID_REQUEST', detail: shape.exceeds };
  if (shape.unterminated) return { ok: false, reason: 'PARSE_ERROR', detail: 'malformed JSON' };
  const pieces: Uint8Array[] = [];
  const lifted: unknown[] = [];
  let from = 0;
  try {
    for (const literal of shape.long) {
      yield;
      const value = yield* liftedValue(bytes, literal);
      if (value === WHOLE) return yield* asText();
      pieces.push(bytes.subarray(from, literal.open), ascii.encode(`"${LIFTED}${lifted.length}"`));
      lifted.push(value);
      from = literal.close + 1;
    }
  } catch {
    // An escape sequence that JSON.parse refuses (literalValue).
    return { ok: false, reason: 'PARSE_ERROR', detail: 'malformed JSON' };
  }
  pieces.push(bytes.subarray(from));
  yield;
  // Joined into one array: small, the message without its long literals.
  const skeleton = pieces.length === 1 ? bytes : concatBytes(pieces);
  const source = (yield* decodeUtf8(skeleton, 0, skeleton.length)).text;
  // A string of the page's that reads as a stand-in (the stand-in text itself, or it written with escapes): as text.
  if (lifted.length > 0 && forgesStandIn(source, lifted.length)) return yield* asText();
  return parseSkeleton(source, lifted);
}

/** parseJsonBytesSliced without turns (tests; a small message). */
export function parseJsonBytes(bytes: Uint8Array, maxDepth: number = MAX_JSON_DEPTH, maxValues: number = MAX_JSON_VALUES): JsonParseResult {
  return runSteps(parseBytesSteps(bytes, maxDepth, maxValues));
}

/** Parses a JSON-RPC message from its UTF-8 bytes with turns of the event loop between slices of the work (T22). */
export function parseJsonBytesSliced(bytes: Uint8Array, maxDepth: number = MAX_JSON_DEPTH, maxValues: number = MAX_JSON_VALUES): Promise<JsonParseResult> {
  return runStepsSliced(parseBytesSteps(bytes, maxDepth, maxValues));
}
