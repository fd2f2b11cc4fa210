// Safe JSON in and out: depth and value-count pre-scan before JSON.parse, prototype-key rejection, and the response serialiser.
import type { WireError } from '../errors.js';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from './limits.js';

export type JsonParseResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'PARSE_ERROR' | 'INVALID_REQUEST'; detail: string };

/** Keys that could reach an object's prototype when a parsed value is later merged or spread. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** End of the string whose opening quote is at `open` (index of the closing quote), or -1 when unterminated. */
function stringEnd(text: string, open: number): number {
  let j = open;
  for (;;) {
    // indexOf is a native scan: a 85 MiB base64 string costs milliseconds, not a JS loop per character.
    j = text.indexOf('"', j + 1);
    if (j === -1) return -1;
    let slashes = 0;
    for (let k = j - 1; text.charCodeAt(k) === 0x5c; k--) slashes++;
    if (slashes % 2 === 0) return j;
  }
}

/**
 * Pre-scan before JSON.parse (docs/security.md T22): the deepest nesting and the number of values (every `[`, `{` and `,`
 * outside strings) are bounded BEFORE any object is built, so `[{},{},…]` of 90 MiB costs one scan, not gigabytes
 * of heap. Returns what was exceeded, or null. Iterative: a 10k-deep `[[[[` is a loop, not a stack overflow.
 */
export function jsonShapeExceeds(text: string, maxDepth: number, maxValues: number): string | null {
  let depth = 0;
  let values = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (end === -1) return null; // unterminated: JSON.parse reports the syntax error
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return `nesting deeper than ${maxDepth}`;
      if (++values > maxValues) return `more than ${maxValues} values`;
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x2c && ++values > maxValues) return `more than ${maxValues} values`;
  }
  return null;
}

/** Deepest nesting of arrays/objects in `text` passes `limit` (strings skipped, escapes honoured). */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  return jsonShapeExceeds(text, limit, Number.MAX_SAFE_INTEGER) !== null;
}

/**
 * Parses one JSON-RPC message. Too deep → INVALID_REQUEST (valid JSON we refuse to walk); syntax → PARSE_ERROR;
 * a `__proto__`/`constructor`/`prototype` key anywhere → INVALID_REQUEST, so no later code can be tricked by one.
 */
export function parseJson(text: string, maxDepth: number = MAX_JSON_DEPTH, maxValues: number = MAX_JSON_VALUES): JsonParseResult {
  const shape = jsonShapeExceeds(text, maxDepth, maxValues);
  if (shape !== null) return { ok: false, reason: 'INVALID_REQUEST', detail: shape };
  // The reviver walks every node; only pay for it when a forbidden word appears at all (cheap substring scans).
  const suspicious = text.includes('__proto__') || text.includes('constructor') || text.includes('prototype');
  let forbidden = false;
  try {
    const value: unknown = suspicious
      ? JSON.parse(text, function reviver(this: object, key: string, v: unknown) {
        if (FORBIDDEN_KEYS.has(key) && Object.prototype.hasOwnProperty.call(this, key)) forbidden = true;
        return v;
      })
      : JSON.parse(text);
    if (forbidden) return { ok: false, reason: 'INVALID_REQUEST', detail: 'forbidden key (__proto__, constructor or prototype)' };
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

/** A JSON-RPC 2.0 error response, serialised. */
export function serializeError(id: RpcId, error: WireError): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error });
}

/** A JSON-RPC 2.0 notification (server → client), serialised. */
export function serializeNotification(method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params });
}
