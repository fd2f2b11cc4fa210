// The document worker's thread (docs/architecture.md, "Document worker"): parses, plans, assembles and verifies
// large XML and Office documents, so the agent's event loop keeps serving while a 60 MiB document is worked (docs/security.md
// T22). It holds no key and no PIN: each signature is asked of the agent, which asks the token.
import { parentPort } from 'node:worker_threads';
import type { DigestSigner } from '../../core/ports.js';
import { describeOffice, signOffice, verifyOffice } from '../ooxml/index.js';
import { verifyXml } from '../verify/xml.js';
import { describeXml, signXml } from '../xmldsig/index.js';
import { toFailure, fromFailure, type FromWorker, type Job, type SignerInfo, type ToWorker } from './messages.js';

const port = parentPort;
if (!port) throw new Error('the document worker runs in a worker thread');

/** Signatures asked of the agent and not answered yet. */
const waiting = new Map<number, { resolve(v: Uint8Array): void; reject(e: Error): void }>();
let nextCall = 1;

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function remoteSigner(id: number, info: SignerInfo): DigestSigner {
  return {
    certificate: info.certificate,
    chain: info.chain,
    sign(digest, hashAlgorithm, options) {
      const call = nextCall++;
      return new Promise<Uint8Array>((resolve, reject) => {
        waiting.set(call, { resolve, reject });
        send({ kind: 'sign', id, call, digest, hashAlgorithm, ...(options ? { options } : {}) });
      });
    },
  };
}

async function run(id: number, job: Job): Promise<unknown> {
  switch (job.op) {
    case 'describeXml':
      // The plan stays here and is dropped: signing plans again from the bytes (see client.ts).
      return (await describeXml(job.xml, job.options)).description;
    case 'signXml':
      return signXml(job.xml, job.options, remoteSigner(id, job.signer));
    case 'describeOffice':
      return describeOffice(job.document, job.options);
    case 'signOffice':
      return signOffice(job.document, job.options, remoteSigner(id, job.signer));
    case 'verifyXml':
      return verifyXml(job.xml, job.options);
    case 'verifyOffice':
      return verifyOffice(job.document, job.fileName, job.options);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.kind === 'signed') {
    const w = waiting.get(m.call);
    waiting.delete(m.call);
    if (!w) return;
    if (m.value) w.resolve(m.value);
    else w.reject(fromFailure(m.failure ?? { agentError: false, message: 'no signature' }));
    return;
  }
  run(m.id, m.job).then(
    (value) => send({ kind: 'done', id: m.id, value }, value instanceof Uint8Array && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength && value.buffer instanceof ArrayBuffer ? [value.buffer] : []),
    (e: unknown) => send({ kind: 'failed', id: m.id, failure: toFailure(e) }),
  );
});

send({ kind: 'ready' });
