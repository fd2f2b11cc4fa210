// Safe JSON in and out: depth and value-count pre-scan before JSON.parse, prototype-key rejection, and the response serialiser.
import type { WireError } from '../errors.js';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from './limits.js';
import { PieceBuilder, isTextPieces, joinPieces, piecesOf, type MessageText, type TextPieces } from './pieces.js';
import { HIT_WORK, SLICE_CHARS, isBase64Text, pace, rememberBase64, spent, takeBase64Pieces, textSlices, yieldToEventLoop } from './slices.js';

export type JsonParseResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'PARSE_ERROR' | 'INVALID_REQUEST'; detail: string };

/** Keys that could reach an object's prototype when a parsed value is later merged or spread. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** String literals at least this long are lifted out of a large message before JSON.parse (see parseJson). */
export const LONG_LITERAL_CHARS = 256 * 1024;
/** Messages from this size on are parsed as a skeleton plus lifted literals. */
export const SKELETON_FROM_CHARS = 1024 * 1024;
/** Stands in the skeleton for the n-th lifted literal; a message that holds this text itself is parsed whole. */
export const LIFTED = '\\u0000kyso-lifted:';
const LIFTED_VALUE = '\u0000kyso-lifted:';

interface Shape {
  exceeds: string | null;
  /** [opening quote, closing quote] of value literals of at least LONG_LITERAL_CHARS (only when asked). */
  long: Array<[number, number]>;
}

/** Index of the first character after `i` that is not JSON whitespace. */
function skipSpace(text: string, i: number): number {
  let j = i;
  for (let c = text.charCodeAt(j); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++j));
  return j;
}

/** The pre-scan; `paced`: a large message's, which yields once it has done SCAN_WORK. */
function* scanJson(text: string, maxDepth: number, maxValues: number, collectLong: boolean, paced: boolean): Generator<void, Shape> {
  const long: Array<[number, number]> = [];
  let depth = 0;
  let values = 0;
  const work = pace(paced);
  for (let i = 0; i < text.length; i++) {
    if (spent(work, 1)) yield;
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // The closing quote: indexOf is a native scan (a 85 MiB base64 string costs milliseconds, not a JS loop per
      // character); an escaped quote found on the way is a round of JS.
      let end = i;
      for (let escaped = true; escaped;) {
        const from = end;
        end = text.indexOf('"', end + 1);
        if (end === -1) return { exceeds: null, long: [] }; // unterminated: JSON.parse reports the syntax error
        // A character searched natively costs 1/16 of one stepped over.
        if (spent(work, HIT_WORK + (end - from) / 16)) yield;
        // Escaped when an odd run of backslashes comes before it (a run may be the whole string: counted in turns).
        escaped = false;
        for (let k = end - 1; text.charCodeAt(k) === 0x5c; k--) {
          escaped = !escaped;
          if (spent(work, 1)) yield;
        }
      }
      // A long member name stays in place (JSON.parse handles it); only values are lifted.
      if (collectLong && end - i > LONG_LITERAL_CHARS && text.charCodeAt(skipSpace(text, end + 1)) !== 0x3a) long.push([i, end]);
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return { exceeds: `nesting deeper than ${maxDepth}`, long };
      if (++values > maxValues) return { exceeds: `more than ${maxValues} values`, long };
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x2c && ++values > maxValues) return { exceeds: `more than ${maxValues} values`, long };
  }
  return { exceeds: null, long };
}

/**
 * Pre-scan before JSON.parse (docs/security.md T22): the deepest nesting and the number of values (every `[`, `{` and `,`
 * outside strings) are bounded BEFORE any object is built, so `[{},{},…]` of 90 MiB costs one scan, not gigabytes
 * of heap. Returns what was exceeded, or null. Iterative: a 10k-deep `[[[[` is a loop, not a stack overflow.
 */
export function jsonShapeExceeds(text: string, maxDepth: number, maxValues: number): string | null {
  return runSteps(scanJson(text, maxDepth, maxValues, false, false)).exceeds;
}

/** Deepest nesting of arrays/objects in `text` passes `limit` (strings skipped, escapes honoured). */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  return jsonShapeExceeds(text, limit, Number.MAX_SAFE_INTEGER) !== null;
}

/** Characters of an escaped long literal unescaped between two turns. */
const ESCAPE_SLICE = SLICE_CHARS;
/** The longest escape sequence (`\uXXXX`): a cut this far after the last backslash splits none. */
const LONGEST_ESCAPE = 6;

/**
 * Where to end the piece of an escaped literal's inside that starts at `from` (`end` is the literal's end): at most
 * ESCAPE_SLICE characters, never inside an escape sequence. A run of backslashes is cut at an even offset from its
 * start (pairs are `\\`); the characters after `\u` are no backslashes, so its start is such a run's start.
 */
export function escapeSafeCut(text: string, from: number, end: number): number {
  const p = Math.min(from + ESCAPE_SLICE, end);
  if (p === end) return p;
  const last = text.lastIndexOf('\\', p - 1);
  if (last < from || last < p - LONGEST_ESCAPE) return p;
  let run = last;
  while (run > from && text.charCodeAt(run - 1) === 0x5c) run--;
  // The escape starting in the run's last pair (or single backslash) may span p: cut before it.
  const cut = run + 2 * Math.floor((last - run) / 2);
  return cut > from ? cut : p;
}

/**
 * The value of the literal between `open` and `close` (quotes): a substring when it holds no escape, otherwise
 * unescaped piece by piece (a document sent as JSON inside JSON — the VNPT batch — is all `\"`), with a pass of
 * the caller's generator between pieces.
 */
export function* literalValue(text: string, open: number, close: number): Generator<void, string> {
  const inner = text.slice(open + 1, close);
  if (!inner.includes('\\')) return inner;
  let value = '';
  for (let from = open + 1; from < close;) {
    const cut = escapeSafeCut(text, from, close);
    value += JSON.parse(`"${text.slice(from, cut)}"`) as string;
    from = cut;
    if (from < close) yield;
  }
  return value;
}

/** Puts the lifted literals back in place of their stand-ins (the skeleton is small: bounded by maxValues). */
function restore(value: unknown, lifted: readonly unknown[]): unknown {
  if (typeof value === 'string') return value.startsWith(LIFTED_VALUE) ? lifted[Number(value.slice(LIFTED_VALUE.length))] : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restore(value[i], lifted);
  } else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = restore(o[k], lifted);
  }
  return value;
}

/**
 * Parses one JSON-RPC message. Too deep → INVALID_REQUEST (valid JSON we refuse to walk); syntax → PARSE_ERROR;
 * a `__proto__`/`constructor`/`prototype` key anywhere → INVALID_REQUEST, so no later code can be tricked by one.
 * A large message (a document in base64) is parsed as its skeleton: long string values are lifted out as
 * substrings (no copy, no per-character JSON work) and put back after JSON.parse of the rest, so a 64 MiB document
 * costs native scans of milliseconds, not one JSON.parse blocking the event loop for hundreds (T22). A lifted
 * literal is taken as written, so a raw control character in it is not refused here: every long field is base64,
 * whose alphabet check refuses it, and every other text field has a length limit far below LONG_LITERAL_CHARS.
 */
export function parseJson(text: string, maxDepth: number = MAX_JSON_DEPTH, maxValues: number = MAX_JSON_VALUES): JsonParseResult {
  return runSteps(parseSteps(text, maxDepth, maxValues));
}

/** parseJson with a turn of the event loop between the whole-text passes of a large message (T22). */
export function parseJsonSliced(text: string, maxDepth: number = MAX_JSON_DEPTH, maxValues: number = MAX_JSON_VALUES): Promise<JsonParseResult> {
  return runStepsSliced(parseSteps(text, maxDepth, maxValues));
}

/** Runs a generator of work slices to its result at once. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs a generator of work slices to its result with a turn of the event loop between two slices (T22). */
export async function runStepsSliced<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await yieldToEventLoop();
  }
}

/** The passes of parseJson; it yields between two passes over a large text (each is one native scan). */
export function* parseSteps(text: string, maxDepth: number, maxValues: number): Generator<void, JsonParseResult> {
  const large = text.length >= SKELETON_FROM_CHARS;
  const skeletal = large && !text.includes(LIFTED);
  if (large) yield;
  const shape = yield* scanJson(text, maxDepth, maxValues, skeletal, large);
  if (shape.exceeds !== null) return { ok: false, reason: 'INVALID_REQUEST', detail: shape.exceeds };
  let source = text;
  const lifted: unknown[] = [];
  try {
    if (shape.long.length > 0) {
      const pieces: string[] = [];
      let from = 0;
      for (const [open, close] of shape.long) {
        yield;
        pieces.push(text.slice(from, open), `"${LIFTED}${lifted.length}"`);
        lifted.push(yield* literalValue(text, open, close));
        from = close + 1;
      }
      pieces.push(text.slice(from));
      source = pieces.join('');
    }
  } catch {
    return { ok: false, reason: 'PARSE_ERROR', detail: 'malformed JSON' };
  }
  if (large) yield;
  // A string of the page's that reads as a stand-in would be replaced by a lifted value: then parsed whole.
  if (lifted.length > 0 && forgesStandIn(source, lifted.length)) return parseSkeleton(text, []);
  return parseSkeleton(source, lifted);
}

/** The stand-ins' escape of U+0000, the only way JSON text can write that character. */
const NUL_ESCAPE = '\\u0000';

/**
 * Whether the skeleton holds `\u0000` anywhere but in its `count` stand-ins. Only such an escape makes a string
 * that starts with U+0000 (JSON.parse refuses the raw character, and `0` has no other case), so a skeleton without
 * one has no string but the stand-ins that restore would replace (a page writing `"\u0000\u006byso-lifted:0"`
 * would otherwise put a lifted value, or undefined, in place of its text).
 */
export function forgesStandIn(skeleton: string, count: number): boolean {
  return occursMoreThan(skeleton, NUL_ESCAPE, count);
}

/** Whether `needle` occurs in `text` more than `count` times (native searches, at most count + 1 of them). */
function occursMoreThan(text: string, needle: string, count: number): boolean {
  let seen = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) {
    if (++seen > count) return true;
  }
  return false;
}

/**
 * JSON.parse of a skeleton whose stand-ins are then replaced by `lifted` (the n-th stand-in by lifted[n]); a forbidden
 * key anywhere → INVALID_REQUEST, a syntax error → PARSE_ERROR.
 */
export function parseSkeleton(source: string, lifted: readonly unknown[]): JsonParseResult {
  // The reviver walks every node; only pay for it when a forbidden word appears at all (cheap substring scans).
  // A key may also be written with escapes (`"__prot\u006f__"`): a \u escape other than the stand-ins' (one each)
  // makes the text suspicious too.
  const suspicious = source.includes('__proto__') || source.includes('constructor') || source.includes('prototype')
    || occursMoreThan(source, '\\u', lifted.length);
  let forbidden = false;
  try {
    let value: unknown = suspicious
      ? JSON.parse(source, function reviver(this: object, key: string, v: unknown) {
        if (FORBIDDEN_KEYS.has(key) && Object.prototype.hasOwnProperty.call(this, key)) forbidden = true;
        return v;
      })
      : JSON.parse(source);
    if (forbidden) return { ok: false, reason: 'INVALID_REQUEST', detail: 'forbidden key (__proto__, constructor or prototype)' };
    if (lifted.length > 0) value = restore(value, lifted);
    return { ok: true, value };
  } catch {
    return { ok: false, reason: 'PARSE_ERROR', detail: 'malformed JSON' };
  }
}

export type RpcId = string | number | null;

/** A JSON-RPC 2.0 success response, serialised. */
export function serializeResult(id: RpcId, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result });
}

/** A stand-in of the skeleton, as JSON text: the quoted marker and its number. */
const STAND_IN = /"\\u0000kyso-lifted:(\d+)"/;

/**
 * serializeResult for results that carry a signed document (T22): the answer as pieces (stringifyPieces), so an
 * 85 MiB answer is neither one blocking JSON.stringify nor one flat string.
 */
export function serializeResultSliced(id: RpcId, result: unknown): Promise<MessageText> {
  return stringifyPieces({ jsonrpc: '2.0', id, result });
}

/**
 * JSON.stringify(value), the same text, with a turn of the event loop between the slices of long strings: base64
 * goes between quotes as it is (checked in slices), any other long text is quoted piece by piece.
 * As one string (a rope): for texts that are read again in the process (the VNPT session's request to the
 * dispatcher). What goes to a socket uses stringifyPieces.
 */
export async function stringifySliced(value: unknown): Promise<string> {
  const text = await stringifyPieces(value);
  if (typeof text === 'string') return text;
  // Joined by + (a rope, no copy here).
  let rope = '';
  for (const piece of text.pieces) rope += piece;
  return rope;
}

/** What stringifyPieces knew of its answer: the skeleton and the long strings, read back by parseAnswer. */
interface Serialised {
  skeleton: string;
  long: string[];
  /** Per long string: its base64 slices when it was written as them (encodeBase64Sliced's), else null. */
  base64: Array<readonly string[] | null>;
}
const SERIALISED = new WeakMap<TextPieces, Serialised>();

/**
 * JSON.stringify(value), the same text, as pieces from SLICE_CHARS characters on (a string below), built with a turn
 * of the event loop between the slices of long strings and without ever flattening one (docs/security.md T22): a
 * base64 text made by encodeBase64Sliced is spliced in as its own slices; other base64 goes between quotes slice by
 * slice (checked in slices); any other long text is quoted piece by piece (each piece whole UTF-16, so each
 * piece's JSON is the same as the whole's).
 */
export async function stringifyPieces(value: unknown): Promise<MessageText> {
  const long: string[] = [];
  const skeleton = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'string' || v.length < LONG_LITERAL_CHARS) return v;
    long.push(v);
    return `${LIFTED_VALUE}${long.length - 1}`;
  });
  if (long.length === 0) return skeleton;
  const parts = skeleton.split(new RegExp(STAND_IN.source, 'g'));
  // A string that itself looked like a stand-in would shift the count: then no shortcut.
  if (parts.length !== 2 * long.length + 1 || parts.some((p, i) => i % 2 === 1 && p !== String((i - 1) / 2))) {
    const whole = new PieceBuilder();
    whole.add(JSON.stringify(value));
    return whole.done();
  }
  const out = new PieceBuilder();
  const base64: Array<readonly string[] | null> = [];
  out.add(parts[0]!);
  for (let n = 0; n < long.length; n++) {
    const text = long[n]!;
    const known = takeBase64Pieces(text);
    base64.push(known);
    out.add('"', true);
    if (known) {
      for (const piece of known) out.add(piece, true);
    } else if (await isBase64Text(text)) {
      for (const slice of textSlices(text)) out.add(slice, true);
    } else {
      for (const slice of textSlices(text)) {
        out.add(JSON.stringify(slice).slice(1, -1));
        await yieldToEventLoop();
      }
    }
    out.add('"', true);
    out.add(parts[2 * n + 2]!);
  }
  const text = out.done();
  if (typeof text !== 'string') SERIALISED.set(text, { skeleton, long, base64 });
  return text;
}

/**
 * JSON.stringify(texts) — an array of strings — for texts given as pieces too (the VNPT batch answer: an array of
 * JSON texts, each holding a signed document): every piece is quoted on its own with a turn between pieces. A piece
 * is whole UTF-16, so its quoted form is the same as inside the whole string's.
 */
export async function stringifyTexts(texts: readonly MessageText[]): Promise<MessageText> {
  const out = new PieceBuilder();
  out.add('[', true);
  for (const [i, text] of texts.entries()) {
    out.add(i === 0 ? '"' : ',"', true);
    if (typeof text === 'string' && text.length < SLICE_CHARS) out.add(JSON.stringify(text).slice(1, -1));
    else {
      for (const piece of piecesOf(text)) {
        // Quoting ASCII gives ASCII (escapes are ASCII).
        out.add(JSON.stringify(piece).slice(1, -1), isTextPieces(text) && text.ascii);
        await yieldToEventLoop();
      }
    }
    out.add('"', true);
  }
  out.add(']', true);
  return out.done();
}

/**
 * Parses an answer of the dispatcher in the same process (the VNPT session's call): the same value as
 * parseJsonSliced of the joined text, without joining it. Pieces made by stringifyPieces are read back from the
 * skeleton and the long strings they were made of (their base64 remembered again, so the next answer carrying
 * them is written as the same slices); any other text is parsed as text.
 */
export async function parseAnswer(text: MessageText): Promise<JsonParseResult> {
  if (typeof text === 'string') return parseJsonSliced(text);
  const made = SERIALISED.get(text);
  // A skeleton holding the stand-in text anywhere else (a member name) cannot be restored by position.
  if (!made || made.skeleton.split(LIFTED).length !== made.long.length + 1) return parseJsonSliced(joinPieces(text));
  const parsed = parseJson(made.skeleton);
  if (!parsed.ok) return parsed;
  made.base64.forEach((pieces, n) => {
    if (pieces) rememberBase64(made.long[n]!, pieces);
  });
  return { ok: true, value: restore(parsed.value, made.long) };
}

/** A JSON-RPC 2.0 error response, serialised. */
export function serializeError(id: RpcId, error: WireError): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error });
}

/** A JSON-RPC 2.0 notification (server → client), serialised. */
export function serializeNotification(method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params });
}
