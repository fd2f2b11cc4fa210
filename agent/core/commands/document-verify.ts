// document.verify: the verification report of a document the page sends (docs/protocol.md). No dialog, nothing
// stored; the dispatcher has already checked that the origin is approved and claimed the document's memory.
import { AgentError } from '../errors.js';
import type { ParamsOf } from '../protocol/schemas.js';
import type { VerificationReport } from '../verify/report.js';
import type { Call } from './command.js';

export async function documentVerifyCommand(params: ParamsOf<'document.verify'>, call: Call): Promise<{ report: VerificationReport }> {
  const { verifier, logger } = call.deps;
  if (!verifier) throw new AgentError('METHOD_NOT_FOUND', 'document.verify is not available in this agent');
  const report = await verifier.verify({
    document: params.document,
    ...(params.fileName !== undefined ? { fileName: params.fileName } : {}),
    ...(params.content !== undefined ? { content: params.content } : {}),
  }, call.connection.signal);
  // The verdict and sizes only: names and signers stay out of the log.
  logger.info('document.verify', { origin: call.origin, format: report.format, bytes: report.size, signatures: report.signatures.length, verdict: report.verdict, reason: report.reason });
  return { report };
}
