// Reading token objects: certificates, private and public keys, and pairing certificates with their keys.
import { X509Certificate } from 'node:crypto';
import * as C from './constants.js';
import type { Pkcs11Api } from './pkcs11-api.js';

type Handle = Buffer;
type Session = Buffer;

/** All objects matching a template (C_FindObjectsInit/FindObjects/FindObjectsFinal, batched). */
export function findObjects(api: Pkcs11Api, session: Session, template: { type: number; value?: number | boolean | Buffer }[]): Handle[] {
  api.C_FindObjectsInit(session, template);
  const out: Handle[] = [];
  try {
    for (;;) {
      const batch = api.C_FindObjects(session, 64);
      if (batch.length === 0) break;
      out.push(...batch);
    }
  } finally {
    api.C_FindObjectsFinal(session);
  }
  return out;
}

/**
 * One attribute, or undefined when the module does not have it (CKR_ATTRIBUTE_TYPE_INVALID / SENSITIVE).
 * Asked one at a time because a single missing attribute fails the whole C_GetAttributeValue call.
 */
export function attribute(api: Pkcs11Api, session: Session, handle: Handle, type: number): Buffer | undefined {
  try {
    const [r] = api.C_GetAttributeValue(session, handle, [{ type }]);
    return r?.value;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === C.CKR_ATTRIBUTE_TYPE_INVALID || code === C.CKR_ATTRIBUTE_SENSITIVE) return undefined;
    throw e;
  }
}

/** CK_ULONG attribute (4 or 8 bytes, host order = little-endian on every platform we ship). Odd sizes tolerated. */
function readUlong(b: Buffer | undefined): number | undefined {
  if (!b || b.length === 0) return undefined;
  let v = 0;
  for (let i = Math.min(b.length, 6) - 1; i >= 0; i--) v = v * 256 + (b[i] ?? 0);
  return v;
}

export interface TokenCertificate {
  id: Buffer | null;
  der: Buffer;
  label: string;
  /** CKA_CERTIFICATE_CATEGORY: 2 = authority. */
  authority: boolean;
}

export interface TokenKey {
  /** Object handle, valid for the session it was read in. */
  handle: Buffer;
  id: Buffer | null;
  kind: 'RSA' | 'EC' | 'other';
  /** RSA modulus or EC point (uncompressed, without the OCTET STRING wrapper): the public-key match fallback. */
  publicValue: Buffer | undefined;
  alwaysAuthenticate: boolean;
}

/** X.509 certificates visible in the session. Unparseable entries are the caller's to skip. */
export function readCertificates(api: Pkcs11Api, session: Session): TokenCertificate[] {
  const handles = findObjects(api, session, [
    { type: C.CKA_CLASS, value: C.CKO_CERTIFICATE },
    { type: C.CKA_CERTIFICATE_TYPE, value: C.CKC_X_509 },
  ]);
  const out: TokenCertificate[] = [];
  for (const h of handles) {
    const der = attribute(api, session, h, C.CKA_VALUE);
    if (!der || der.length === 0) continue;
    const id = attribute(api, session, h, C.CKA_ID);
    const label = attribute(api, session, h, C.CKA_LABEL);
    const category = readUlong(attribute(api, session, h, 0x87 /* CKA_CERTIFICATE_CATEGORY */));
    out.push({ id: id && id.length > 0 ? id : null, der, label: label ? label.toString('utf8') : '', authority: category === 2 });
  }
  return out;
}

/** Strips the DER OCTET STRING wrapper PKCS#11 puts around CKA_EC_POINT (some modules omit it). */
export function unwrapEcPoint(b: Buffer): Buffer {
  if (b[0] !== 0x04 || b.length < 3) return b;
  let len = b[1] ?? 0;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | (b[2 + i] ?? 0);
    off = 2 + n;
  }
  // A bare uncompressed point also starts with 0x04: only unwrap when the length byte matches the rest exactly.
  return off + len === b.length ? b.subarray(off) : b;
}

/** Private or public keys visible in the session (private keys usually only after login). */
export function readKeys(api: Pkcs11Api, session: Session, cls: number): TokenKey[] {
  const out: TokenKey[] = [];
  for (const h of findObjects(api, session, [{ type: C.CKA_CLASS, value: cls }])) {
    const id = attribute(api, session, h, C.CKA_ID);
    const keyType = readUlong(attribute(api, session, h, C.CKA_KEY_TYPE));
    const kind = keyType === C.CKK_RSA ? 'RSA' : keyType === C.CKK_EC ? 'EC' : 'other';
    let publicValue: Buffer | undefined;
    if (kind === 'RSA') publicValue = attribute(api, session, h, C.CKA_MODULUS);
    else if (kind === 'EC') {
      const p = attribute(api, session, h, C.CKA_EC_POINT);
      publicValue = p ? unwrapEcPoint(p) : undefined;
    }
    const aa = cls === C.CKO_PRIVATE_KEY ? attribute(api, session, h, C.CKA_ALWAYS_AUTHENTICATE) : undefined;
    out.push({ handle: h, id: id && id.length > 0 ? id : null, kind, publicValue, alwaysAuthenticate: !!aa && aa[0] === 1 });
  }
  return out;
}

/** What the token layer needs to know about a certificate's public key to sign with its private key. */
export interface CertKeyInfo {
  kind: 'RSA' | 'EC' | 'other';
  /** Signature length in bytes: RSA modulus length, or 2 × coordinate length for ECDSA raw r||s. */
  signatureLength: number;
  /** RSA modulus or EC uncompressed point, for matching keys when CKA_ID does not pair them. */
  publicValue: Buffer | undefined;
}

/** Same public key: RSA moduli compare without leading zero bytes (some modules keep a sign byte). */
export function samePublicValue(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a !== undefined && b !== undefined && stripLeadingZeros(a).equals(stripLeadingZeros(b));
}

function stripLeadingZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** Public-key facts from the certificate (node:crypto; parsing the rest is agent/certs' business). */
export function certKeyInfo(der: Uint8Array): CertKeyInfo {
  const pub = new X509Certificate(der).publicKey;
  const jwk = pub.export({ format: 'jwk' });
  if (pub.asymmetricKeyType === 'rsa' || pub.asymmetricKeyType === 'rsa-pss') {
    const n = stripLeadingZeros(Buffer.from(jwk.n ?? '', 'base64url'));
    return { kind: 'RSA', signatureLength: n.length, publicValue: n };
  }
  if (pub.asymmetricKeyType === 'ec' && jwk.x && jwk.y) {
    const x = Buffer.from(jwk.x, 'base64url');
    const y = Buffer.from(jwk.y, 'base64url');
    return { kind: 'EC', signatureLength: 2 * x.length, publicValue: Buffer.concat([Buffer.from([0x04]), x, y]) };
  }
  return { kind: 'other', signatureLength: 1024, publicValue: undefined };
}

/**
 * The private key for a certificate: same CKA_ID first; otherwise a private key with the same public value, or a
 * public key with the same value whose CKA_ID names a private key. Returns the key's CKA_ID (how we find its
 * handle later) or null when the token has no key for this certificate (or cannot show it before login).
 */
export function pairKey(certId: Buffer | null, info: CertKeyInfo, privateKeys: TokenKey[], publicKeys: TokenKey[]): TokenKey | null {
  if (certId) {
    const byId = privateKeys.find((k) => k.id?.equals(certId));
    if (byId) return byId;
  }
  const value = info.publicValue;
  if (value) {
    const same = (k: TokenKey): boolean => samePublicValue(k.publicValue, value);
    const direct = privateKeys.find(same);
    if (direct) return direct;
    const pub = publicKeys.find(same);
    if (pub?.id) {
      const viaPub = privateKeys.find((k) => k.id?.equals(pub.id as Buffer));
      if (viaPub) return viaPub;
    }
  }
  return null;
}

/**
 * Before login most tokens hide private keys. A public key object with the certificate's CKA_ID (or public value)
 * is the best evidence that the key pair is on the token; returns that public key's CKA_ID.
 */
export function presumedKeyId(certId: Buffer | null, info: CertKeyInfo, publicKeys: TokenKey[]): Buffer | null {
  if (certId && publicKeys.some((k) => k.id?.equals(certId))) return certId;
  const value = info.publicValue;
  if (!value) return null;
  const pub = publicKeys.find((k) => samePublicValue(k.publicValue, value));
  return pub?.id ?? null;
}
