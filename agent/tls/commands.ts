// The exact commands that add, remove and look up the local CA in each OS trust store (pure builders, unit-tested).
import { join } from 'node:path';

/** The NSS nickname and the CN prefix every kyso-agent CA carries. */
export const CA_NICKNAME = 'kyso-agent local CA';

export interface Command {
  cmd: string;
  args: string[];
}

// ── NSS (Chromium/Chrome on Linux via ~/.pki/nssdb, Firefox profiles everywhere) ──
export const nss = {
  createDb: (dir: string): Command => ({ cmd: 'certutil', args: ['-N', '--empty-password', '-d', `sql:${dir}`] }),
  add: (dir: string, caFile: string): Command => ({ cmd: 'certutil', args: ['-A', '-t', 'C,,', '-n', CA_NICKNAME, '-i', caFile, '-d', `sql:${dir}`] }),
  remove: (dir: string): Command => ({ cmd: 'certutil', args: ['-D', '-n', CA_NICKNAME, '-d', `sql:${dir}`] }),
  /** Prints the certificate under our nickname as PEM (exit code ≠ 0 when absent). */
  show: (dir: string): Command => ({ cmd: 'certutil', args: ['-L', '-n', CA_NICKNAME, '-a', '-d', `sql:${dir}`] }),
};

// ── Windows: the current user's Root store, no admin rights needed (Windows shows its own confirmation) ──
export const windows = {
  add: (caFile: string): Command => ({ cmd: 'certutil', args: ['-user', '-addstore', 'Root', caFile] }),
  /** Removes by SHA-1 thumbprint: each CA we ever issued has a distinct one. */
  remove: (sha1Hex: string): Command => ({ cmd: 'certutil', args: ['-user', '-delstore', 'Root', sha1Hex.toLowerCase()] }),
  /** Exit code 0 when the certificate with this thumbprint is in the store. */
  show: (sha1Hex: string): Command => ({ cmd: 'certutil', args: ['-user', '-verifystore', 'Root', sha1Hex.toLowerCase()] }),
};

// ── macOS: the login keychain with a trustRoot setting for the user ──
export function macKeychain(home: string): string {
  return join(home, 'Library', 'Keychains', 'login.keychain-db');
}
export const macos = {
  add: (home: string, caFile: string): Command => ({ cmd: 'security', args: ['add-trusted-cert', '-r', 'trustRoot', '-k', macKeychain(home), caFile] }),
  removeTrust: (caFile: string): Command => ({ cmd: 'security', args: ['remove-trusted-cert', caFile] }),
  remove: (home: string, sha1Hex: string): Command => ({ cmd: 'security', args: ['delete-certificate', '-Z', sha1Hex.toUpperCase(), macKeychain(home)] }),
  /** Lists our CAs with "SHA-1 hash: …" lines. */
  show: (home: string): Command => ({ cmd: 'security', args: ['find-certificate', '-a', '-Z', '-c', CA_NICKNAME, macKeychain(home)] }),
};

/** SHA-1 hashes in `security find-certificate -Z` output, upper-case hex. */
export function parseMacSha1(output: string): string[] {
  return [...output.matchAll(/SHA-1 hash:\s*([0-9A-Fa-f]{40})/g)].map((m) => m[1]!.toUpperCase());
}
