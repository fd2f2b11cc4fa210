// SoftHSM2 provisioning: per-directory config, token initialisation, key/certificate import over PKCS#11.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import pkcs11js from 'pkcs11js';
import { certificateFields, type TokenObject } from './token-contents.js';

const run = promisify(execFile);

/** Where distributions put libsofthsm2 (Debian/Ubuntu first, then Fedora, Arch, Homebrew, MacPorts, source builds). */
export const SOFTHSM_MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib64/pkcs11/libsofthsm2.so',
  '/usr/lib64/softhsm/libsofthsm2.so',
  '/usr/lib/pkcs11/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/local/lib/softhsm/libsofthsm2.so',
];

/** The first installed SoftHSM2 module, or null. */
export function findSoftHsmModule(): string | null {
  return SOFTHSM_MODULE_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export interface SoftHsmTokenSpec {
  label: string;
  pin: string;
  soPin: string;
  objects: TokenObject[];
}

export interface ProvisionSoftHsmOptions {
  module: string;
  /** The SOFTHSM2_CONF file to write. */
  conf: string;
  tokenDir: string;
  tokens: SoftHsmTokenSpec[];
}

export interface ProvisionedToken {
  label: string;
  serial: string;
}

/** SoftHSM2's configuration: file backend, quiet logs, tokens under `tokenDir`. */
export function softHsmConfText(tokenDir: string): string {
  return [
    `directories.tokendir = ${tokenDir}`,
    'objectstore.backend = file',
    'log.level = ERROR',
    'slots.removable = false',
    '',
  ].join('\n');
}

async function initToken(conf: string, spec: SoftHsmTokenSpec): Promise<void> {
  try {
    await run('softhsm2-util', ['--init-token', '--free', '--label', spec.label, '--pin', spec.pin, '--so-pin', spec.soPin], {
      env: { ...process.env, SOFTHSM2_CONF: conf },
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('softhsm2-util not found: install SoftHSM2 (Debian/Ubuntu: apt-get install softhsm2)');
    throw new Error(`softhsm2-util --init-token failed for "${spec.label}": ${(e.stderr ?? e.message).trim()}`);
  }
}

function bool(type: number, value: boolean): pkcs11js.Attribute {
  return { type, value };
}

/** PKCS#11 templates for one TokenObject: private key, public key, certificate (each optional). */
export function templatesFor(obj: TokenObject): pkcs11js.Template[] {
  const out: pkcs11js.Template[] = [];
  const common = (cls: number): pkcs11js.Template => {
    const t: pkcs11js.Template = [{ type: pkcs11js.CKA_CLASS, value: cls }, bool(pkcs11js.CKA_TOKEN, true), { type: pkcs11js.CKA_LABEL, value: obj.label }];
    if (obj.id) t.push({ type: pkcs11js.CKA_ID, value: Buffer.from(obj.id) });
    return t;
  };
  const cert = obj.certDer ? certificateFields(obj.certDer) : null;
  if (obj.key) {
    const jwk = obj.key.privateKey.export({ format: 'jwk' });
    const b = (v: string | undefined): Buffer => Buffer.from(v ?? '', 'base64url');
    const priv = common(pkcs11js.CKO_PRIVATE_KEY);
    priv.push(bool(pkcs11js.CKA_PRIVATE, true), bool(pkcs11js.CKA_SENSITIVE, true), bool(pkcs11js.CKA_EXTRACTABLE, false), bool(pkcs11js.CKA_SIGN, true));
    const pub = common(pkcs11js.CKO_PUBLIC_KEY);
    pub.push(bool(pkcs11js.CKA_PRIVATE, false), bool(pkcs11js.CKA_VERIFY, true));
    if (cert) {
      priv.push({ type: pkcs11js.CKA_SUBJECT, value: Buffer.from(cert.subject) });
      pub.push({ type: pkcs11js.CKA_SUBJECT, value: Buffer.from(cert.subject) });
    }
    if (obj.key.algorithm === 'EC-P256') {
      const ecParams = Buffer.from('06082a8648ce3d030107', 'hex'); // OID prime256v1
      const point = Buffer.concat([Buffer.from([0x04]), b(jwk.x), b(jwk.y)]);
      priv.push({ type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC }, { type: pkcs11js.CKA_EC_PARAMS, value: ecParams }, { type: pkcs11js.CKA_VALUE, value: b(jwk.d) });
      // CKA_EC_POINT is the DER OCTET STRING holding the uncompressed point (PKCS#11 v2.40 §2.3.3).
      pub.push({ type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC }, { type: pkcs11js.CKA_EC_PARAMS, value: ecParams }, { type: pkcs11js.CKA_EC_POINT, value: Buffer.concat([Buffer.from([0x04, point.length]), point]) });
    } else {
      priv.push(
        { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA }, bool(pkcs11js.CKA_DECRYPT, true),
        { type: pkcs11js.CKA_MODULUS, value: b(jwk.n) }, { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: b(jwk.e) },
        { type: pkcs11js.CKA_PRIVATE_EXPONENT, value: b(jwk.d) }, { type: pkcs11js.CKA_PRIME_1, value: b(jwk.p) },
        { type: pkcs11js.CKA_PRIME_2, value: b(jwk.q) }, { type: pkcs11js.CKA_EXPONENT_1, value: b(jwk.dp) },
        { type: pkcs11js.CKA_EXPONENT_2, value: b(jwk.dq) }, { type: pkcs11js.CKA_COEFFICIENT, value: b(jwk.qi) },
      );
      pub.push(
        { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA }, bool(pkcs11js.CKA_ENCRYPT, true),
        { type: pkcs11js.CKA_MODULUS, value: b(jwk.n) }, { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: b(jwk.e) },
      );
    }
    out.push(priv);
    if (obj.publicKey !== false) out.push(pub);
  }
  if (obj.certDer && cert) {
    const t = common(pkcs11js.CKO_CERTIFICATE);
    t.push(
      { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 }, bool(pkcs11js.CKA_PRIVATE, false),
      { type: pkcs11js.CKA_VALUE, value: Buffer.from(obj.certDer) }, { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(cert.subject) },
      { type: pkcs11js.CKA_ISSUER, value: Buffer.from(cert.issuer) }, { type: pkcs11js.CKA_SERIAL_NUMBER, value: Buffer.from(cert.serialDer) },
      // 1 = token user, 2 = authority (PKCS#11 v2.40 §4.6.2): chains can be built from the token.
      { type: pkcs11js.CKA_CERTIFICATE_CATEGORY, value: obj.authority ? 2 : 1 },
    );
    out.push(t);
  }
  return out;
}

/** Trims the blank padding of PKCS#11 fixed-length strings. */
export function p11String(s: string): string {
  return s.replace(/[\s\0]+$/, '');
}

/**
 * Writes a SOFTHSM2_CONF, initialises each token (softhsm2-util) and imports its objects via pkcs11js.
 * process.env.SOFTHSM2_CONF is set to `conf` while the module is initialised and restored afterwards.
 */
export async function provisionSoftHsm(options: ProvisionSoftHsmOptions): Promise<ProvisionedToken[]> {
  await mkdir(options.tokenDir, { recursive: true });
  await writeFile(options.conf, softHsmConfText(options.tokenDir));
  // Sequential: each --free init takes the first free slot, concurrent inits would race for it.
  for (const spec of options.tokens) await initToken(options.conf, spec);

  const previous = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = options.conf; // SoftHSM2 reads it in C_Initialize
  const p11 = new pkcs11js.PKCS11();
  p11.load(options.module);
  try {
    p11.C_Initialize();
    try {
      const bySlot = new Map<string, Buffer>();
      for (const slot of p11.C_GetSlotList(true)) {
        const info = p11.C_GetTokenInfo(slot);
        bySlot.set(p11String(info.label), slot);
      }
      const result: ProvisionedToken[] = [];
      for (const spec of options.tokens) {
        const slot = bySlot.get(spec.label);
        if (!slot) throw new Error(`SoftHSM2 token "${spec.label}" not found after initialisation`);
        const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
        try {
          p11.C_Login(session, pkcs11js.CKU_USER, spec.pin);
          for (const obj of spec.objects) for (const t of templatesFor(obj)) p11.C_CreateObject(session, t);
          p11.C_Logout(session);
        } finally {
          p11.C_CloseSession(session);
        }
        result.push({ label: spec.label, serial: p11String(p11.C_GetTokenInfo(slot).serialNumber) });
      }
      return result;
    } finally {
      p11.C_Finalize();
    }
  } finally {
    p11.close();
    if (previous === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previous;
  }
}
