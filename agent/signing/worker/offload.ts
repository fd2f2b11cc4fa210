// DocumentSigners whose large XML and Office documents are worked in the document worker (docs/architecture.md,
// "Document worker"; docs/security.md T22): the same functions, the same results and errors, another thread.
import type { DigestSigner, DocumentDescription, DocumentSigners, Logger, OfficeDescription } from '../../core/ports.js';
import { OFFLOAD_FROM_BYTES, WorkerUnavailable, type DocumentWorker } from './client.js';
import type { SignerInfo } from './messages.js';

const info = (signer: DigestSigner): SignerInfo => ({ certificate: signer.certificate, chain: signer.chain });

/**
 * `local` with sign.xml / sign.office documents of `fromBytes` or more handed to `worker`. An XML plan made in the
 * worker is not kept there: signing plans again from the same bytes and options (a second parse in the worker, off
 * the agent's loop), so nothing is held in the worker for a dialog the user may never answer. When the worker
 * cannot start at all, the work is done here as before (logged once).
 */
export function offloadLargeDocuments(local: DocumentSigners, worker: DocumentWorker, logger?: Logger, fromBytes = OFFLOAD_FROM_BYTES): DocumentSigners {
  let unavailable = false;
  const inWorker = async <T>(size: number, remote: () => Promise<unknown>, here: () => Promise<T>): Promise<T> => {
    if (unavailable || size < fromBytes) return here();
    try {
      return (await remote()) as T;
    } catch (e) {
      if (!(e instanceof WorkerUnavailable)) throw e;
      unavailable = true;
      logger?.error('document-worker.fallback', { detail: e.message });
      return here();
    }
  };
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
