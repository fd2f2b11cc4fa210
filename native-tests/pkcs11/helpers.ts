// Shared helpers of the pkcs11 native tests: a capturing logger, the fixture's module candidates, signature checks.
import { createPublicKey, constants, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Clock, Logger, LogFields } from '../../agent/core/ports.js';
import type { ModuleCandidate } from '../../agent/pkcs11/catalog.js';
import type { TestFixture } from '../fixtures/types.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  event: string;
  fields?: LogFields;
}

/** A Logger that keeps every line, so tests can grep them (e.g. for the PIN). */
export function capturingLogger(): Logger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const push = (level: LogLine['level']) => (event: string, fields?: LogFields) => {
    lines.push(fields === undefined ? { level, event } : { level, event, fields });
  };
  return { lines, info: push('info'), warn: push('warn'), error: push('error'), text: () => lines.map((l) => JSON.stringify(l)).join('\n') };
}

export const systemClock: Clock = { now: () => new Date() };

export function softhsmCandidate(k: TestFixture): ModuleCandidate {
  return { name: 'SoftHSM2', path: k.softhsm.module, source: 'env' };
}

export function nssCandidate(k: TestFixture): ModuleCandidate {
  return { name: 'NSS softokn', path: k.nss.module, source: 'policy', libraryParameters: k.nss.libraryParameters };
}

export function certKey(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** node:crypto verification of a signature over a digest (verify with null algorithm + prehashed input is not available, so we re-hash). */
export function verifyPkcs1(pem: string, data: Buffer, hash: string, sig: Uint8Array): boolean {
  return verify(hash, data, createPublicKey(pem), sig);
}

export function verifyPss(pem: string, data: Buffer, hash: string, saltLength: number, sig: Uint8Array): boolean {
  return verify(hash, data, { key: createPublicKey(pem), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig);
}

export function verifyEcdsa(pem: string, data: Buffer, hash: string, sig: Uint8Array, format: 'der' | 'raw'): boolean {
  return verify(hash, data, { key: createPublicKey(pem), dsaEncoding: format === 'raw' ? 'ieee-p1363' : 'der' }, sig);
}
