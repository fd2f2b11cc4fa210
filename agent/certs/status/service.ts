// The CertificateStatus adapter: chain (pool, trust list, caIssuers), then OCSP, then CRL, with a bounded cache.
import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import type { CertificateStatus, StatusQuery, StatusReport } from '../../core/status/port.js';
import { buildChain, type IssuerFetcher } from './chain.js';
import { StatusCache } from './cache.js';
import { certInfo, type CertInfo } from './cert-info.js';
import { checkCrl } from './crl.js';
import { nodeFetch, type Fetch, type FetchLimits } from './fetch.js';
import { buildOcspRequest, checkOcspResponse, type CertIdHash } from './ocsp.js';

export interface StatusServiceOptions {
  /** Trusted anchors (DER): the shipped list, policy trust.anchors, test anchors. Read on every check. */
  anchors: () => readonly Uint8Array[];
  /** Policy trust.fetchPrivateAddresses. */
  allowPrivate: boolean;
  /** `<data dir>/status-cache`; absent: memory only. */
  cacheDir?: string;
  fetch?: Fetch;
  now?: () => Date;
  /** Per fetch (default 5 s); a whole check stays under ~4 fetches. */
  timeoutMs?: number;
  log?: (event: string, fields: Record<string, string | number | boolean | undefined>) => void;
}

const MAX_OCSP_BYTES = 64 * 1024;
const MAX_CRL_BYTES = 8 * 1024 * 1024;
const MAX_CERT_BYTES = 64 * 1024;
/** Answers without nextUpdate are reused this long. */
const DEFAULT_TTL_MS = 5 * 60_000;
/** Certificates remembered as naming no OCSP responder and no CRL (their answer cannot change), at most. */
const NO_SOURCE_MEMO_MAX = 256;
const NO_SOURCE = 'the certificate names no OCSP responder and no CRL';

export class CertificateStatusService implements CertificateStatus {
  private readonly cache: StatusCache;
  private readonly fetch: Fetch;
  private readonly now: () => Date;
  private anchorKey = '';
  private anchorMap = new Map<string, CertInfo>();
  /**
   * "unknown: names no OCSP responder and no CRL" per certificate, candidates and anchors, for DEFAULT_TTL_MS: the
   * answer cannot change, and working it out again (parsing the chain) cost ~8 ms on every signature.
   */
  private readonly noSource = new Map<string, { report: StatusReport; until: number }>();

  constructor(private readonly options: StatusServiceOptions) {
    this.cache = new StatusCache({ ...(options.cacheDir ? { dir: options.cacheDir } : {}), maxEntries: 512, maxEntryBytes: 512 * 1024 });
    this.fetch = options.fetch ?? nodeFetch;
    this.now = options.now ?? (() => new Date());
  }

  async check(query: StatusQuery): Promise<StatusReport> {
    const now = this.now();
    const key = createHash('sha256').update(query.certificate).digest('hex');
    const cached = query.fresh ? undefined : await this.cache.get(key, now);
    if (cached) return cached;
    const memoKey = `${key}|${this.anchorKeyOf()}|${query.purpose}|${query.candidates.map((c) => createHash('sha256').update(c).digest('hex')).join(',')}`;
    const memo = query.fresh ? undefined : this.noSource.get(memoKey);
    if (memo && memo.until > now.getTime()) return { ...memo.report, fromCache: true };
    let report: StatusReport;
    try {
      report = await this.fresh(query, now);
    } catch (e) {
      report = unknown(now, `the status check failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (report.status === 'unknown' && report.detail === NO_SOURCE) {
      if (this.noSource.size >= NO_SOURCE_MEMO_MAX) this.noSource.delete(this.noSource.keys().next().value!);
      this.noSource.set(memoKey, { report, until: now.getTime() + DEFAULT_TTL_MS });
    }
    if (report.status !== 'unknown') {
      const until = report.nextUpdate ? new Date(report.nextUpdate) : new Date(now.getTime() + DEFAULT_TTL_MS);
      await this.cache.put(key, report, until).catch((e: unknown) => this.options.log?.('status.cache-write-failed', { detail: String(e) }));
    }
    return report;
  }

  /** Identifies an anchor list by a hash of its certificates, without parsing them. */
  private anchorKeyOf(list: readonly Uint8Array[] = this.options.anchors()): string {
    const h = createHash('sha256');
    for (const der of list) h.update(der);
    return h.digest('hex');
  }

  /** Anchors parsed once per distinct list. */
  anchors(): ReadonlyMap<string, CertInfo> {
    const list = this.options.anchors();
    const key = this.anchorKeyOf(list);
    if (key !== this.anchorKey) {
      this.anchorMap = new Map(list.flatMap((der) => {
        try {
          const info = certInfo(der);
          return [[info.sha256, info] as const];
        } catch {
          return [];
        }
      }));
      this.anchorKey = key;
    }
    return this.anchorMap;
  }

  private limits(maxBytes: number): FetchLimits {
    return { timeoutMs: this.options.timeoutMs ?? 5000, maxBytes, allowPrivate: this.options.allowPrivate };
  }

  private async fresh(query: StatusQuery, now: Date): Promise<StatusReport> {
    const cert = certInfo(query.certificate);
    const pool = query.candidates.flatMap((d) => {
      try {
        return [certInfo(d)];
      } catch {
        return [];
      }
    });
    const anchors = this.anchors();
    // Document certificates: nothing is fetched before the chain reaches an anchor (no caIssuers either, T19).
    const problems: string[] = [];
    const fetchIssuers = query.purpose === 'token' ? this.issuerFetcher(query.signal, problems) : undefined;
    const chain = await buildChain(cert, pool, anchors, fetchIssuers);
    const evidence = { chain: chain.issuers.map((c) => c.der), ocspResponses: [] as Uint8Array[], crls: [] as Uint8Array[], anchored: chain.anchored };
    if (query.purpose === 'document' && !chain.anchored) {
      return { ...unknown(now, 'the certificate does not chain to a trusted anchor: its URLs are not fetched'), evidence };
    }
    const issuer = chain.issuers[0] ?? (anchors.has(cert.sha256) ? cert : undefined);
    if (!issuer) {
      const why = ['the issuer certificate was not found (not on the token, in the trust list or at caIssuers)', ...problems].join('; ');
      return { ...unknown(now, why), evidence };
    }
    if (cert.ocspUrls.length === 0 && cert.crlUrls.length === 0) return { ...unknown(now, NO_SOURCE), evidence };
    for (const url of cert.ocspUrls) {
      for (const hash of ['SHA-1', 'SHA-256'] as CertIdHash[]) {
        const request = buildOcspRequest(cert, issuer, hash);
        const got = await this.fetch({ url, method: 'POST', body: request.der, contentType: 'application/ocsp-request', accept: 'application/ocsp-response', ...(query.signal ? { signal: query.signal } : {}) }, this.limits(MAX_OCSP_BYTES));
        this.options.log?.('status.fetch', { kind: 'ocsp', ok: got.ok, refused: !got.ok && got.refused });
        if (!got.ok) {
          problems.push(`OCSP ${got.refused ? 'refused' : 'failed'}: ${got.why}`);
          break;
        }
        const verdict = await checkOcspResponse(got.body, request, cert, issuer, now);
        if (!verdict.ok) {
          problems.push(`OCSP: ${verdict.why}`);
          break;
        }
        if (verdict.status === 'unknown') {
          problems.push(`OCSP responder does not know the certificate (${hash} CertID)`);
          continue; // some responders only index one CertID hash
        }
        evidence.ocspResponses.push(got.body);
        if (query.allSources) await this.addCrls(cert, issuer, now, evidence.crls, query.signal);
        const report: StatusReport = { status: verdict.status, source: 'ocsp', fromCache: false, checkedAt: verdict.producedAt.toISOString(), evidence };
        if (verdict.nextUpdate) report.nextUpdate = verdict.nextUpdate.toISOString();
        if (verdict.revokedAt) report.revokedAt = verdict.revokedAt.toISOString();
        if (verdict.reason) report.revocationReason = verdict.reason;
        return report;
      }
    }
    for (const url of cert.crlUrls) {
      const got = await this.fetch({ url, method: 'GET', accept: 'application/pkix-crl', ...(query.signal ? { signal: query.signal } : {}) }, this.limits(MAX_CRL_BYTES));
      this.options.log?.('status.fetch', { kind: 'crl', ok: got.ok, refused: !got.ok && got.refused });
      if (!got.ok) {
        problems.push(`CRL ${got.refused ? 'refused' : 'failed'}: ${got.why}`);
        continue;
      }
      const verdict = await checkCrl(got.body, cert, issuer, now);
      if (!verdict.ok) {
        problems.push(`CRL: ${verdict.why}`);
        continue;
      }
      evidence.crls.push(verdict.der);
      const report: StatusReport = { status: verdict.status, source: 'crl', fromCache: false, checkedAt: verdict.thisUpdate.toISOString(), evidence };
      if (verdict.nextUpdate) report.nextUpdate = verdict.nextUpdate.toISOString();
      if (verdict.revokedAt) report.revokedAt = verdict.revokedAt.toISOString();
      if (verdict.reason) report.revocationReason = verdict.reason;
      return report;
    }
    return { ...unknown(now, problems.join('; ') || 'no status source answered'), evidence };
  }

  /** Best effort: the CRLs that verify, added to `into` (for long-term validation data). */
  private async addCrls(cert: CertInfo, issuer: CertInfo, now: Date, into: Uint8Array[], signal?: AbortSignal): Promise<void> {
    for (const url of cert.crlUrls) {
      const got = await this.fetch({ url, method: 'GET', accept: 'application/pkix-crl', ...(signal ? { signal } : {}) }, this.limits(MAX_CRL_BYTES));
      if (!got.ok) continue;
      const verdict = await checkCrl(got.body, cert, issuer, now);
      if (verdict.ok) into.push(verdict.der);
    }
  }

  private issuerFetcher(signal: AbortSignal | undefined, problems: string[]): IssuerFetcher {
    return async (urls) => {
      for (const url of urls.slice(0, 2)) {
        const got = await this.fetch({ url, method: 'GET', accept: 'application/pkix-cert', ...(signal ? { signal } : {}) }, this.limits(MAX_CERT_BYTES));
        this.options.log?.('status.fetch', { kind: 'caIssuers', ok: got.ok, refused: !got.ok && got.refused });
        if (got.ok) return certificatesIn(got.body);
        problems.push(`caIssuers ${got.refused ? 'refused' : 'failed'}: ${got.why}`);
      }
      return [];
    };
  }
}

function unknown(now: Date, detail: string): StatusReport {
  return { status: 'unknown', source: 'none', fromCache: false, checkedAt: now.toISOString(), detail };
}

/** A DER certificate, or the certificates of a certs-only PKCS#7 (.p7c), as caIssuers URLs serve them. */
export function certificatesIn(body: Uint8Array): Uint8Array[] {
  try {
    certInfo(body);
    return [body];
  } catch {
    // not a single certificate: try PKCS#7
  }
  try {
    const content = pkijs.ContentInfo.fromBER(new Uint8Array(body));
    const signed = new pkijs.SignedData({ schema: content.content });
    return (signed.certificates ?? []).slice(0, 8).flatMap((c) => (c instanceof pkijs.Certificate ? [new Uint8Array(c.toSchema().toBER())] : []));
  } catch {
    return [];
  }
}
