// Trust anchors: the shipped list (fingerprints checked), admin policy files (trust.anchors), and test/user anchors.
import { createHash, X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { VN_TRUST_LIST, type TrustListEntry } from './vn-trust-list.js';

/** One anchor as the agent uses it. */
export interface TrustAnchor {
  der: Uint8Array;
  sha256: string;
  subject: string;
  origin: 'list' | 'policy' | 'user';
  /** The list entry's name, or the file it came from. */
  label: string;
}

export interface TrustLoadResult {
  anchors: TrustAnchor[];
  /** One line per refused entry or unreadable file (doctor prints these). */
  problems: string[];
}

const MAX_ANCHOR_FILE = 1024 * 1024;

function pemBlocks(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g)) {
    out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
    if (out.length >= 100) break;
  }
  return out;
}

function anchorOf(der: Uint8Array, origin: TrustAnchor['origin'], label: string): TrustAnchor {
  const cert = new X509Certificate(der);
  if (!cert.ca) throw new Error('not a CA certificate (basicConstraints cA is not set)');
  return { der, sha256: createHash('sha256').update(der).digest('hex'), subject: cert.subject.replace(/\n/g, ', '), origin, label };
}

/** The shipped list, each entry checked against its pinned fingerprint. */
export function shippedAnchors(list: readonly TrustListEntry[] = VN_TRUST_LIST): TrustLoadResult {
  const anchors: TrustAnchor[] = [];
  const problems: string[] = [];
  for (const entry of list) {
    const [der] = pemBlocks(entry.pem);
    const got = der ? createHash('sha256').update(der).digest('hex') : '';
    if (!der || got !== entry.sha256) {
      problems.push(`trust list: ${entry.name}: fingerprint mismatch, entry ignored`);
      continue;
    }
    anchors.push(anchorOf(der, 'list', entry.name));
  }
  return { anchors, problems };
}

/** PEM (one or more certificates) or DER files: policy `trust.anchors` and `verify --trust`. */
export async function anchorsFromFiles(paths: readonly string[], origin: 'policy' | 'user'): Promise<TrustLoadResult> {
  const anchors: TrustAnchor[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    try {
      if ((await stat(path)).size > MAX_ANCHOR_FILE) throw new Error('larger than 1 MiB');
      const bytes = new Uint8Array(await readFile(path));
      const text = Buffer.from(bytes).toString('latin1');
      const ders = text.includes('-----BEGIN CERTIFICATE-----') ? pemBlocks(text) : [bytes];
      if (ders.length === 0) throw new Error('no certificate found');
      for (const der of ders) anchors.push(anchorOf(der, origin, path));
    } catch (e) {
      problems.push(`${origin === 'policy' ? 'trust.anchors' : 'trust anchor'} ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { anchors, problems };
}

/** Shipped list + policy anchors (+ user anchors), de-duplicated by fingerprint. */
export async function loadTrustAnchors(options: { policyAnchors: readonly string[]; userAnchors?: readonly string[]; includeShipped?: boolean }): Promise<TrustLoadResult> {
  const parts = [
    options.includeShipped === false ? { anchors: [], problems: [] } : shippedAnchors(),
    await anchorsFromFiles(options.policyAnchors, 'policy'),
    await anchorsFromFiles(options.userAnchors ?? [], 'user'),
  ];
  const seen = new Set<string>();
  const anchors = parts.flatMap((p) => p.anchors).filter((a) => (seen.has(a.sha256) ? false : (seen.add(a.sha256), true)));
  return { anchors, problems: parts.flatMap((p) => p.problems) };
}
