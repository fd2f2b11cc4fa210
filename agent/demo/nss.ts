// NSS softokn provisioning: a sql: NSS DB with one key + certificate, and the libraryParameters to load it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { p11String } from './softhsm.js';

const run = promisify(execFile);

/** Where distributions put NSS's software token. */
export const NSS_SOFTOKN_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/libsoftokn3.so',
  '/usr/lib/aarch64-linux-gnu/libsoftokn3.so',
  '/usr/lib64/libsoftokn3.so',
  '/usr/lib/libsoftokn3.so',
  '/usr/lib/x86_64-linux-gnu/nss/libsoftokn3.so',
  '/opt/homebrew/lib/libsoftokn3.dylib',
  '/usr/local/lib/libsoftokn3.dylib',
];

export function findNssSoftokn(): string | null {
  return NSS_SOFTOKN_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/**
 * The NSS "module spec" softokn's C_Initialize takes (via CK_C_INITIALIZE_ARGS.LibraryParameters).
 * `secmod.db` is ignored for sql: DBs (pkcs11.txt is used) but softokn requires the parameter to be present.
 */
export function nssLibraryParameters(dbDir: string): string {
  return `configdir='sql:${dbDir}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=`;
}

export interface ProvisionNssOptions {
  dbDir: string;
  /** The DB password (NSS's user PIN of the "NSS Certificate DB" token). */
  pin: string;
  /** PEM files of what to import. */
  certFile: string;
  keyFile: string;
  /** Nickname (becomes CKA_LABEL of key and certificate). */
  nickname: string;
  module: string;
}

export interface ProvisionedNss {
  dbDir: string;
  libraryParameters: string;
  tokenLabel: string;
  /** CKA_ID NSS gave the imported key (NSS derives it from the public key, e.g. SHA-1 of the RSA modulus). */
  ckaIdHex: string;
}

async function tool(cmd: string, args: string[], hint: string): Promise<void> {
  try {
    await run(cmd, args);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (e.code === 'ENOENT') throw new Error(`${cmd} not found: ${hint}`);
    throw new Error(`${cmd} ${args[0] ?? ''} failed: ${(e.stderr || e.stdout || e.message).trim()}`);
  }
}

/**
 * Creates the NSS DB (`certutil -N`), imports the key + certificate as a PKCS#12 made by openssl (`pk12util`), then
 * loads softokn with pkcs11js exactly as the agent will (libraryParameters), logs in with the PIN and finds the key:
 * if that fails the DB is not usable and this throws.
 */
export async function provisionNss(options: ProvisionNssOptions): Promise<ProvisionedNss> {
  const { dbDir } = options;
  await mkdir(dbDir, { recursive: true });
  const pwFile = join(dbDir, '.pw');
  const p12File = join(dbDir, '.import.p12');
  const p12Pass = randomBytes(12).toString('hex');
  await writeFile(pwFile, `${options.pin}\n`, { mode: 0o600 });
  try {
    const nssHint = 'install the NSS tools (Debian/Ubuntu: apt-get install libnss3-tools)';
    await tool('certutil', ['-N', '-d', `sql:${dbDir}`, '-f', pwFile], nssHint);
    await tool('openssl', ['pkcs12', '-export', '-inkey', options.keyFile, '-in', options.certFile, '-name', options.nickname,
      '-passout', `pass:${p12Pass}`, '-out', p12File], 'install openssl');
    await tool('pk12util', ['-i', p12File, '-d', `sql:${dbDir}`, '-k', pwFile, '-W', p12Pass], nssHint);
  } finally {
    await rm(pwFile, { force: true });
    await rm(p12File, { force: true });
  }
  const libraryParameters = nssLibraryParameters(dbDir);
  const { tokenLabel, ckaIdHex } = probeNss(options.module, libraryParameters, options.pin);
  return { dbDir, libraryParameters, tokenLabel, ckaIdHex };
}

/** Loads softokn on the DB, finds the token holding a private key after login; returns its label and the key's CKA_ID. */
export function probeNss(module: string, libraryParameters: string, pin: string): { tokenLabel: string; ckaIdHex: string } {
  const p11 = new pkcs11js.PKCS11();
  p11.load(module);
  try {
    p11.C_Initialize({ libraryParameters });
    try {
      for (const slot of p11.C_GetSlotList(true)) {
        const info = p11.C_GetTokenInfo(slot);
        if (!(info.flags & pkcs11js.CKF_LOGIN_REQUIRED)) continue; // the "Generic Crypto Services" token has no keys
        const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
        try {
          p11.C_Login(session, pkcs11js.CKU_USER, pin);
          p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
          const keys = p11.C_FindObjects(session, 10);
          p11.C_FindObjectsFinal(session);
          const key = keys[0];
          if (key) {
            const [id] = p11.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_ID }]);
            p11.C_Logout(session);
            return { tokenLabel: p11String(info.label), ckaIdHex: Buffer.from((id?.value as Buffer | undefined) ?? []).toString('hex') };
          }
          p11.C_Logout(session);
        } finally {
          p11.C_CloseSession(session);
        }
      }
      throw new Error('NSS DB: no token with a private key after login');
    } finally {
      p11.C_Finalize();
    }
  } finally {
    p11.close();
  }
}
