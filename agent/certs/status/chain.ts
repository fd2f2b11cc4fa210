// Chain building: from a certificate up through the pool (document/token certificates, the trust list) to an anchor.
import { certInfo, isSelfIssued, issuedBy, type CertInfo } from './cert-info.js';

/** Longest issuer chain followed (VN chains are root → [sub-CA] → issuing CA → end entity). */
const MAX_DEPTH = 6;

export interface BuiltChain {
  /** Issuers from the certificate's issuer upward (the certificate itself not included). */
  issuers: CertInfo[];
  /** The last certificate reached (the certificate itself or an issuer) is a trusted anchor. */
  anchored: boolean;
}

/** Fetches issuer certificates from caIssuers URLs (DER certificate or certs-only PKCS#7); [] when refused. */
export type IssuerFetcher = (urls: string[]) => Promise<Uint8Array[]>;

/**
 * Walks issuer links, checking each signature. `fetchIssuers` is consulted only when the pool has no issuer
 * (incomplete chain); it is absent when the caller may not fetch (document certificates before anchoring).
 */
export async function buildChain(leaf: CertInfo, pool: CertInfo[], anchors: ReadonlyMap<string, CertInfo>, fetchIssuers?: IssuerFetcher): Promise<BuiltChain> {
  const candidates = [...pool, ...anchors.values()];
  const issuers: CertInfo[] = [];
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (anchors.has(current.sha256)) return { issuers, anchored: true };
    if (isSelfIssued(current)) break;
    let parent = await findIssuer(current, candidates);
    if (!parent && fetchIssuers && current.caIssuerUrls.length > 0) {
      const fetched = (await fetchIssuers(current.caIssuerUrls)).flatMap((der) => {
        try {
          return [certInfo(der)];
        } catch {
          return [];
        }
      });
      parent = await findIssuer(current, fetched);
      if (parent) candidates.push(parent);
    }
    if (!parent || issuers.some((c) => c.sha256 === parent!.sha256)) break;
    issuers.push(parent);
    current = parent;
  }
  return { issuers, anchored: anchors.has(current.sha256) };
}

async function findIssuer(child: CertInfo, candidates: CertInfo[]): Promise<CertInfo | undefined> {
  for (const c of candidates) {
    if (c.sha256 !== child.sha256 && (await issuedBy(child, c))) return c;
  }
  return undefined;
}
