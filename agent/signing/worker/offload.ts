// DocumentSigners whose large XML and Office documents are worked in the document worker (docs/architecture.md,
// "Document worker"; docs/security.md T22): the same functions, the same results and errors, another thread.
import type { DigestSigner, DocumentDescription, DocumentSigners, Logger, OfficeDescription } from '../../core/ports.js';
import { OFFLOAD_FROM_BYTES, WorkerUnavailable, type DocumentWorker } from './client.js';
import type { SignerInfo } from './messages.js';
import type { FormatVerifiers } from '../verify/report.js';

const info = (signer: DigestSigner): SignerInfo => ({ certificate: signer.certificate, chain: signer.chain });

/** After a worker could not start, documents are worked here for this long before a start is tried again. */
const RETRY_START_MS = 5 * 60_000;

type Route = <T>(size: number, remote: () => Promise<unknown>, here: () => Promise<T>) => Promise<T>;

/** Large inputs to the worker, the rest here; when the worker cannot start at all, everything here for RETRY_START_MS. */
function router(logger: Logger | undefined, fromBytes: number): Route {
  let unavailableUntil = 0;
  return async <T>(size: number, remote: () => Promise<unknown>, here: () => Promise<T>): Promise<T> => {
    if (size < fromBytes || Date.now() < unavailableUntil) return here();
    try {
      return (await remote()) as T;
    } catch (e) {
      if (!(e instanceof WorkerUnavailable)) throw e;
      // A start that failed for want of a resource may succeed later: tried again after a while.
      unavailableUntil = Date.now() + RETRY_START_MS;
      logger?.error('document-worker.fallback', { detail: e.message });
      return here();
    }
  };
}

/** document.verify's XML and Office verifiers with large files verified in the worker. */
export function offloadLargeVerifications(local: FormatVerifiers, worker: DocumentWorker, logger?: Logger, fromBytes = OFFLOAD_FROM_BYTES): FormatVerifiers {
  const inWorker = router(logger, fromBytes);
  return {
    xml: (xml, options) => inWorker(xml.length, () => worker.run({ op: 'verifyXml', xml, options }), () => local.xml(xml, options)),
    office: (document, fileName, options) => inWorker(document.length, () => worker.run({ op: 'verifyOffice', document, fileName, options }), () => local.office(document, fileName, options)),
  };
}

/**
 * `local` with sign.xml / sign.office documents of `fromBytes` or more handed to `worker`. An XML plan made in the
 * worker is not kept there: signing plans again from the same bytes and options (a second parse in the worker, off
 * the agent's loop), so nothing is held in the worker for a dialog the user may never answer. When the worker
 * cannot start at all, the work is done here as before for 5 minutes (logged), then a start is tried again.
 */
export function offloadLargeDocuments(local: DocumentSigners, worker: DocumentWorker, logger?: Logger, fromBytes = OFFLOAD_FROM_BYTES): DocumentSigners {
  const inWorker = router(logger, fromBytes);
  return {
    ...local,
    describeXml: (xml, options) => inWorker(xml.length,
      async () => ({ description: (await worker.run({ op: 'describeXml', xml, options })) as DocumentDescription, plan: { format: 'xml', xml, options } as const }),
      () => local.describeXml(xml, options)),
    signXml: (plan, signer) => inWorker(plan.xml.length,
      () => worker.run({ op: 'signXml', xml: plan.xml, options: plan.options, signer: info(signer) }, signer),
      () => local.signXml(plan, signer)),
    describeOffice: (document, options) => inWorker<OfficeDescription>(document.length,
      () => worker.run({ op: 'describeOffice', document, options }),
      () => local.describeOffice(document, options)),
    signOffice: (document, options, signer) => inWorker<Uint8Array>(document.length,
      () => worker.run({ op: 'signOffice', document, options, signer: info(signer) }, signer),
      () => local.signOffice(document, options, signer)),
  };
}
