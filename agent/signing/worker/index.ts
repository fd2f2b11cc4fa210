// The document worker: large XML and Office documents worked off the agent's event loop (docs/architecture.md).
export { DocumentWorker, OFFLOAD_FROM_BYTES, WorkerUnavailable, type DocumentWorkerOptions } from './client.js';
export { locateDocumentWorker } from './locate.js';
export { offloadLargeDocuments, offloadLargeVerifications } from './offload.js';
