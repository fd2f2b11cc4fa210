// Host and Origin checks shared by HTTP requests and WebSocket upgrades, and the one refusal they all get.
import type { IncomingHttpHeaders } from 'node:http';
import { AgentError, doorRefusal, toWireError } from '../core/index.js';
import type { OriginClass, OriginGate } from './types.js';

/**
 * DNS rebinding defence (docs/security.md T3): the Host header must name loopback literally, with the exact port
 * the request arrived on. A rebinding attacker's name (evil.example → 127.0.0.1) never matches.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}` || h === `[::1]:${port}`;
}

/** The origins the agent itself serves pages from (its dialogs under a mount). */
export function selfOrigins(scheme: 'https' | 'http', port: number): Set<string> {
  return new Set([`${scheme}://127.0.0.1:${port}`, `${scheme}://localhost:${port}`, `${scheme}://[::1]:${port}`]);
}

export type OriginVerdict = { ok: true; origin: string; cls: OriginClass } | { ok: false; why: 'missing' | 'null' | 'invalid' | 'blocked' | 'not-pairable' };

/**
 * docs/security.md T2: the origin comes from the handshake/request header only, never from a message body. Missing,
 * "null", several values or unparseable → refused; blocked → refused; with pairing off, not approved → refused.
 * Approval itself is the dispatcher's business.
 */
export function checkOrigin(headers: IncomingHttpHeaders, gate: OriginGate): OriginVerdict {
  const raw = headers.origin;
  if (raw === undefined || raw === '') return { ok: false, why: 'missing' };
  if (raw === 'null') return { ok: false, why: 'null' };
  let origin: string | null;
  try {
    origin = gate.normalise(raw);
  } catch {
    origin = null;
  }
  if (origin === null) return { ok: false, why: 'invalid' };
  const cls = gate.classify(origin);
  // Pairing off: an origin not already approved can never become approved, so it never gets a socket or an
  // answer that tells it an agent is here (no fingerprinting); same bytes as every other refusal.
  const refused = doorRefusal(cls, gate.pairingAllowed?.());
  if (refused) return { ok: false, why: refused };
  return { ok: true, origin, cls };
}

/** CORS lets the page read the answer only for approved origins, or any https origin while pairing is allowed. */
export function corsAllowed(cls: OriginClass): boolean {
  return cls === 'approved' || cls === 'pairable';
}

/** Headers on every HTTP answer. Node sends no Server header; Date is off so refusals are byte-identical. */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Cache-Control', 'no-store'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Vary', 'Origin'],
];

/** JSON-RPC error text with id null, for answers the transport gives before the dispatcher sees anything. */
export function transportError(reason: 'ORIGIN_NOT_ALLOWED' | 'PAYLOAD_TOO_LARGE' | 'PARSE_ERROR' | 'RATE_LIMITED' | 'BUSY' | 'INTERNAL'): string {
  return JSON.stringify({ jsonrpc: '2.0', id: null, error: toWireError(new AgentError(reason)) });
}

/** The one body every refusal carries (docs/security.md T4: identical for every refused origin or host). */
export const REFUSAL_BODY = transportError('ORIGIN_NOT_ALLOWED');

/** Raw HTTP answer written on a socket we will not upgrade. Fixed bytes: nothing depends on the request. */
export function rawResponse(status: 403 | 404 | 429 | 503, body: string): Buffer {
  const text = { 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' }[status];
  const bodyBytes = Buffer.from(body, 'utf8');
  const head = [`HTTP/1.1 ${status} ${text}`, 'Connection: close', 'Content-Type: application/json', `Content-Length: ${bodyBytes.length}`, ...SECURITY_HEADERS.map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), bodyBytes]);
}

/** Refused origins and hosts are logged with a bounded, printable copy of what was sent (attacker-controlled). */
export function printable(value: string | undefined): string {
  if (value === undefined) return '(none)';
  return value.slice(0, 200).replace(/[^\x20-\x7e]/g, '?');
}
