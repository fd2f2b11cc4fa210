// What the token layer remembers per inserted token and certificate, and the session/inventory steps on it.
// Every function here runs inside the token's module queue (synchronous pkcs11js calls).
import { createHash } from 'node:crypto';
import type { PinStatus } from '../core/errors.js';
import type { Clock, Logger } from '../core/ports.js';
import type { Cert, Token } from '../core/types.js';
import { certsLib } from './certs-lib.js';
import { ckrCode, isTokenGone, pinStatusFromFlags, toAgentError } from './ckr.js';
import * as C from './constants.js';
import type { LoadedModule } from './loader.js';
import { certKeyInfo, pairKey, presumedKeyId, readCertificates, readKeys } from './token-objects.js';
import type { CertKeyInfo } from './token-objects.js';

export interface TokenEntry {
  tokenId: string;
  module: LoadedModule;
  slot: Buffer;
  token: Token;
  flags: number;
  /** Our one session on the token (login state is per token, shared by all sessions of the process). */
  session: Buffer | null;
  loggedIn: boolean;
  lastUsed: number;
  idleTimer: NodeJS.Timeout | undefined;
  certs: CertEntry[];
  /** Private keys were enumerated while visible (hasPrivateKey is then exact, not presumed from public keys). */
  keysExact: boolean;
}

export interface CertEntry {
  certId: string;
  token: TokenEntry;
  cert: Cert;
  notBefore: Date;
  notAfter: Date;
  der: Buffer;
  ckaId: Buffer | null;
  authority: boolean;
  keyInfo: CertKeyInfo;
  /**
   * CKA_ID of the paired private key (exact or presumed from a public key), null when there is none, and
   * {@link BY_VALUE} (empty) when the key has no CKA_ID and is found by its public value.
   */
  keyId: Buffer | null;
  alwaysAuthenticate: boolean;
  /** Cached private key handle, valid for the token's current session and login only. */
  keyHandle: Buffer | null;
}

/** keyId of a private key without CKA_ID: its handle is found by comparing public values. */
export const BY_VALUE = Buffer.alloc(0);

/** Short opaque id: stable for the same inputs, reveals nothing about them (no path, no serial). */
export function hashId(...parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('base64url').slice(0, 22);
}

/** PKCS#11 strings are blank-padded fixed-length fields. */
export function trimP11(s: string): string {
  return s.replace(/[\s\0]+$/, '').trim();
}

export function ensureSession(t: TokenEntry): Buffer {
  if (t.session) return t.session;
  t.session = t.module.api.C_OpenSession(t.slot, C.CKF_SERIAL_SESSION);
  t.loggedIn = false;
  return t.session;
}

/** Forgets the session and every handle tied to it (after removal or a stale-handle error). */
export function resetSession(t: TokenEntry): void {
  if (t.session) {
    try {
      t.module.api.C_CloseSession(t.session);
    } catch {
      /* already gone */
    }
  }
  t.session = null;
  t.loggedIn = false;
  for (const c of t.certs) c.keyHandle = null;
}

export function readFlags(t: TokenEntry): PinStatus {
  const info = t.module.api.C_GetTokenInfo(t.slot);
  t.flags = info.flags;
  t.token.pinStatus = pinStatusFromFlags(info.flags);
  return t.token.pinStatus;
}

/** PIN status after a failed login; undefined if the token cannot even say (it was pulled). */
export function readFlagsQuietly(t: TokenEntry): PinStatus | undefined {
  try {
    return readFlags(t);
  } catch {
    return undefined;
  }
}

/** C_Logout if logged in; never throws. Cached key handles are dropped: SoftHSM2 invalidates them on logout. */
export function logoutSession(t: TokenEntry): void {
  if (t.loggedIn && t.session) {
    try {
      t.module.api.C_Logout(t.session);
    } catch (e) {
      if (isTokenGone(ckrCode(e))) resetSession(t);
    }
  }
  t.loggedIn = false;
  for (const c of t.certs) c.keyHandle = null;
}

export interface TokenInfoFields {
  flags: number;
  manufacturerID: string;
  model: string;
}

/** Opens a session on a newly seen token and reads its certificates, pairing each with its key (after loadCertsLib). */
export function readToken(m: LoadedModule, slot: Buffer, tokenId: string, info: TokenInfoFields, serial: string, label: string, clock: Clock, logger: Logger): TokenEntry {
  const t: TokenEntry = {
    tokenId, module: m, slot, flags: info.flags, session: null, loggedIn: false, lastUsed: 0, idleTimer: undefined, certs: [], keysExact: false,
    token: {
      tokenId, label, manufacturer: trimP11(info.manufacturerID), model: trimP11(info.model), serialNumber: serial,
      moduleName: m.displayName || m.report.libraryDescription || 'PKCS#11', pinpad: (info.flags & C.CKF_PROTECTED_AUTHENTICATION_PATH) !== 0,
      pinStatus: pinStatusFromFlags(info.flags),
    },
  };
  const session = ensureSession(t);
  const now = clock.now();
  const { parseCertificate } = certsLib();
  const privateKeys = readKeys(m.api, session, C.CKO_PRIVATE_KEY);
  const publicKeys = readKeys(m.api, session, C.CKO_PUBLIC_KEY);
  for (const tc of readCertificates(m.api, session)) {
    try {
      const keyInfo = certKeyInfo(tc.der);
      const key = pairKey(tc.id, keyInfo, privateKeys, publicKeys);
      const keyId = key ? (key.id ?? BY_VALUE) : presumedKeyId(tc.id, keyInfo, publicKeys);
      const certId = hashId(tokenId, tc.id ?? Buffer.alloc(0), tc.der);
      const cert = parseCertificate(tc.der, { certId, tokenId, hasPrivateKey: keyId !== null, now });
      t.certs.push({
        certId, token: t, cert, notBefore: new Date(cert.notBefore), notAfter: new Date(cert.notAfter), der: tc.der, ckaId: tc.id,
        authority: tc.authority, keyInfo, keyId, alwaysAuthenticate: key?.alwaysAuthenticate ?? false, keyHandle: null,
      });
    } catch (e) {
      logger.warn('pkcs11.scan.cert_skipped', { tokenId, detail: e instanceof Error ? e.message : String(e) });
    }
  }
  // Without login, private keys are usually hidden: if we saw some (or the token needs no login), pairing is exact.
  t.keysExact = privateKeys.length > 0 || !(info.flags & C.CKF_LOGIN_REQUIRED);
  return t;
}

/** After login the private keys are visible: make hasPrivateKey and CKA_ALWAYS_AUTHENTICATE exact. */
export function rescanKeys(t: TokenEntry, session: Buffer, logger: Logger): void {
  try {
    const privateKeys = readKeys(t.module.api, session, C.CKO_PRIVATE_KEY);
    const publicKeys = readKeys(t.module.api, session, C.CKO_PUBLIC_KEY);
    for (const c of t.certs) {
      const key = pairKey(c.ckaId, c.keyInfo, privateKeys, publicKeys);
      c.keyId = key ? (key.id ?? BY_VALUE) : null;
      c.alwaysAuthenticate = key?.alwaysAuthenticate ?? false;
      c.keyHandle = null;
      c.cert = { ...c.cert, hasPrivateKey: key !== null };
    }
    t.keysExact = true;
  } catch (e) {
    logger.warn('pkcs11.keys.rescan_failed', { tokenId: t.tokenId, detail: toAgentError(e, 'enumerate').logDetail });
  }
}
