// Safe JSON in and out: depth pre-scan before JSON.parse, prototype-key rejection, and the response serialiser.
import type { WireError } from '../errors.js';
import { MAX_JSON_DEPTH } from './limits.js';

export type JsonParseResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'PARSE_ERROR' | 'INVALID_REQUEST'; detail: string };

/** Keys that could reach an object's prototype when a parsed value is later merged or spread. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deepest nesting of arrays/objects in `text`, stopping as soon as it passes `limit` (strings are skipped,
 * escapes honoured). Iterative, so a 10k-deep `[[[[` costs a loop, not a stack overflow inside JSON.parse.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Parses one JSON-RPC message. Too deep → INVALID_REQUEST (valid JSON we refuse to walk); syntax → PARSE_ERROR;
 * a `__proto__`/`constructor`/`prototype` key anywhere → INVALID_REQUEST, so no later code can be tricked by one.
 */
export function parseJson(text: string, maxDepth: number = MAX_JSON_DEPTH): JsonParseResult {
  if (jsonDepthExceeds(text, maxDepth)) return { ok: false, reason: 'INVALID_REQUEST', detail: `nesting deeper than ${maxDepth}` };
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
