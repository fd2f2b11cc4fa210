// Large messages are worked in slices with a turn of the event loop between them (docs/security.md T22): a 64 MiB
// document decoded, encoded or scanned in one go would block heartbeats, other sites and the dialog for seconds.
import { decodeBase64, decodeBase64Into, encodeBase64 } from './encoding.js';

const MiB = 1024 * 1024;
/** Characters of base64 worked between two yields: 1 Mi chars take a few ms, so a 64 MiB document yields ~90 times. */
export const SLICE_CHARS = MiB;
/** Bytes encoded between two yields (3 bytes per 4 chars, so one slice of text). */
const SLICE_BYTES = (SLICE_CHARS / 4) * 3;
const ascii = new TextEncoder();

/**
 * Lets timers, sockets and dialog heartbeats run. setTimeout is a global in Node and browsers alike (the core takes
 * no `node:*`); a resolved promise would not do, as microtasks run before any I/O.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Pieces of `text` of about SLICE_CHARS characters, never splitting a surrogate pair: what a transport writes (and
 * encodes) between two turns.
 */
export function* textSlices(text: string): Generator<string> {
  let pos = 0;
  while (pos < text.length) {
    let end = Math.min(pos + SLICE_CHARS, text.length);
    const c = text.charCodeAt(end - 1);
    if (end < text.length && c >= 0xd800 && c <= 0xdbff) end--;
    yield text.slice(pos, end);
    pos = end;
  }
}

/** decodeBase64 (same strict rules, same null on anything else) with a yield between slices of a long text. */
export async function decodeBase64Sliced(text: string): Promise<Uint8Array | null> {
  if (text.length <= SLICE_CHARS) return decodeBase64(text);
  if (text.length % 4 !== 0) return null;
  const pad = (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  for (let start = 0; start < text.length; start += SLICE_CHARS) {
    const end = Math.min(start + SLICE_CHARS, text.length);
    const codes = ascii.encode(text.slice(start, end));
    // Non-ASCII characters encode to more bytes, none in the alphabet; padding belongs at the very end only.
    if (codes.length !== end - start || (end < text.length && codes[codes.length - 1] === 0x3d)) return null;
    // Straight into the result: no decoded slice to copy.
    if (!decodeBase64Into(codes, 0, codes.length, out, (start / 4) * 3)) return null;
    await yieldToEventLoop();
  }
  return out;
}

/**
 * encodeBase64 with a yield between slices of a large document (the signed PDF, CMS, XML, Office file). The text is
 * a rope of the slices' encodings (+=, no copy): callers that need a string (the CLI, the document worker, the VNPT
 * session) get one; an answer serialised by stringifyPieces splices the slices themselves in instead (recent).
 */
export async function encodeBase64Sliced(bytes: Uint8Array): Promise<string> {
  if (bytes.length <= SLICE_BYTES) return encodeBase64(bytes);
  const pieces: string[] = [];
  let text = '';
  for (let start = 0; start < bytes.length; start += SLICE_BYTES) {
    const piece = encodeBase64(bytes.subarray(start, start + SLICE_BYTES));
    pieces.push(piece);
    text += piece;
    await yieldToEventLoop();
  }
  rememberBase64(text, pieces);
  return text;
}

/**
 * The last large base64 texts made here (or handed back by parseAnswer), with their slices, until the answer
 * carrying them is serialised: recognised by identity (=== on the same string is a pointer compare), so the answer
 * skips a scan and is written as the slices, never as the flattened rope. Short-lived, so an answer that never gets
 * serialised (an error after encoding) holds no memory for long; a sign.batch answer carries one per large item, so
 * more than a few. A different text of the same length is compared by content (V8 flattens both): answers of the
 * very same length in flight at once cost that copy (rare, and never a wrong answer).
 */
const RECENT = 32;
const RECENT_MS = 5_000;
const recent: Array<{ text: string; pieces: readonly string[] }> = [];

/** Notes `text` as base64 made of `pieces` (joined, they are `text`), for takeBase64Pieces. */
export function rememberBase64(text: string, pieces: readonly string[]): void {
  const entry = { text, pieces };
  recent.push(entry);
  if (recent.length > RECENT) recent.shift();
  const timer: unknown = setTimeout(() => {
    const i = recent.indexOf(entry);
    if (i >= 0) recent.splice(i, 1);
  }, RECENT_MS);
  // Node: the forgetting must not keep a process (a CLI, a test) alive.
  (timer as { unref?: () => void }).unref?.();
}

/** The slices of `text` when it is a remembered base64 text (forgotten then: one answer carries it), else null. */
export function takeBase64Pieces(text: string): readonly string[] | null {
  const i = recent.findIndex((e) => e.text === text);
  if (i < 0) return null;
  const [entry] = recent.splice(i, 1);
  return entry!.pieces;
}

/** Whether `text` is all base64 alphabet (so it goes into JSON between quotes as is), checked slice by slice. */
export async function isBase64Text(text: string): Promise<boolean> {
  if (takeBase64Pieces(text)) return true;
  const outside = /[^A-Za-z0-9+/=]/;
  for (let start = 0; start < text.length; start += SLICE_CHARS) {
    if (outside.test(text.slice(start, start + SLICE_CHARS))) return false;
    if (start + SLICE_CHARS < text.length) await yieldToEventLoop();
  }
  return true;
}

/**
 * Work a paced scan does between two yields (docs/security.md T22): a character stepped over in JS counts 1, a hit
 * (a quote found, each a round of JS of ~50 ns) HIT_WORK, a character searched natively a fraction. A few
 * milliseconds; a string of 48 Mi escaped quotes ran ~200–400 ms in one go when hits counted as one character.
 */
export const SCAN_WORK = 4 * SLICE_CHARS;
export const HIT_WORK = 64;

/** How much a scan has done since its last yield; `window` Infinity: a scan that never yields (a small message). */
export interface Pace {
  done: number;
  readonly window: number;
}

export function pace(paced = true): Pace {
  return { done: 0, window: paced ? SCAN_WORK : Infinity };
}

/** Counts `amount` of work; true when the scan should yield now. */
export function spent(p: Pace, amount: number): boolean {
  p.done += amount;
  if (p.done < p.window) return false;
  p.done = 0;
  return true;
}

/**
 * End of a slice of UTF-8 of at most `size` bytes from `pos` (before `to`), cut before a character's first byte,
 * never before a continuation byte (unless the whole slice is continuation bytes: malformed, cut anywhere).
 */
export function utf8SliceEnd(bytes: Uint8Array, pos: number, to: number, size: number): number {
  let end = Math.min(pos + size, to);
  while (end < to && end > pos && (bytes[end]! & 0xc0) === 0x80) end--;
  return end === pos ? Math.min(pos + size, to) : end;
}

/**
 * A long run of small steps (a batch's items, each a few ms of synchronous work or a token signature that answers
 * at once) yields once its work since the last turn passes `sliceMs`, and nothing else
 * waits longer than about one slice (docs/security.md T22).
 */
export class TurnKeeper {
  private since = Date.now();

  constructor(private readonly sliceMs = 20) {}

  async pace(): Promise<void> {
    if (Date.now() - this.since < this.sliceMs) return;
    await quickTurn();
    this.since = Date.now();
  }
}

/**
 * One turn of the event loop without setTimeout's 1 ms minimum where the host has setImmediate (Node: it runs after
 * the loop has polled sockets, and due timers run on the next iteration); elsewhere yieldToEventLoop.
 */
function quickTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return immediate ? new Promise((resolve) => void immediate(resolve)) : yieldToEventLoop();
}
