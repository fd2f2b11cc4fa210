// Wiring for composition roots: the status service over the trust anchors of policy, with its cache in the data dir.
import { join } from 'node:path';
import type { Logger } from '../../core/ports.js';
import type { Policy } from '../../core/policy/policy.js';
import { loadTrustAnchors, type TrustAnchor } from '../trust/store.js';
import { CertificateStatusService } from './service.js';

export { CertificateStatusService, certificatesIn, type StatusServiceOptions } from './service.js';
export { nodeFetch, checkUrl, type Fetch, type FetchLimits, type FetchOutcome } from './fetch.js';
export { isNonPublicAddress } from './address.js';

export interface StatusWiring {
  service: CertificateStatusService;
  anchors: TrustAnchor[];
  problems: string[];
}

/** Loads the anchors (shipped list + policy trust.anchors + `userAnchors`) and builds the service. */
export async function createCertificateStatus(options: { dataDir: string; policy: Policy; logger: Logger; userAnchors?: readonly string[] }): Promise<StatusWiring> {
  const loaded = await loadTrustAnchors({ policyAnchors: options.policy.trust.anchors, userAnchors: options.userAnchors ?? [] });
  for (const p of loaded.problems) options.logger.warn('trust.anchor-problem', { detail: p });
  const ders = loaded.anchors.map((a) => a.der);
  const service = new CertificateStatusService({
    anchors: () => ders, allowPrivate: options.policy.trust.fetchPrivateAddresses, cacheDir: join(options.dataDir, 'status-cache'),
    log: (event, fields) => options.logger.info(event, fields),
  });
  return { service, anchors: loaded.anchors, problems: loaded.problems };
}
export { certInfo, type CertInfo } from './cert-info.js';
export { buildChain, type BuiltChain } from './chain.js';
export { embeddedStatus, wrapBasicOcsp, type EmbeddedStatus } from './embedded.js';
