// A sign operation checked and described before any dialog: what the dialog shows, and how to sign once approved.
import { AgentError, isAgentError } from '../errors.js';
import { runSigning, usableCertificate, type ApprovedKey } from '../signing-flow.js';
import type { OriginSlot } from '../policy/limits.js';
import type { SignSubject } from '../types.js';
import type { Call } from './command.js';

export interface PreparedSign {
  kind: 'hash' | 'cms' | 'pdf' | 'xml' | 'office';
  subject: SignSubject;
  execute(key: ApprovedKey): Promise<unknown>;
}

/** T8: the admin may forbid signing hashes the user cannot see. */
export function assertHashSigningAllowed(call: Call): void {
  if (!call.deps.policy.signing.allowHashOnly) {
    throw new AgentError('ACCESS_DENIED', 'Signing a bare hash is disabled by policy', { detail: 'policy signing.allowHashOnly is false' });
  }
}

/**
 * Runs a document parser before the dialog. Its AgentErrors pass through; anything else thrown by a parser
 * fed hostile input is reported as DOCUMENT_INVALID (and logged), not INTERNAL.
 */
export async function describing<T>(call: Call, format: string, describe: () => Promise<T>): Promise<T> {
  try {
    return await describe();
  } catch (e) {
    if (isAgentError(e)) throw e;
    call.deps.logger.warn('document.describe-failed', { format, detail: e instanceof Error ? e.message : String(e) });
    throw new AgentError('DOCUMENT_INVALID', 'The document could not be read', { detail: `not a readable ${format.toUpperCase()} document` });
  }
}

/**
 * One sign.* operation: takes the origin's slot FIRST (BUSY before any document is decoded or parsed, review M4),
 * then prepares (parses, describes), checks the certificate and runs the confirmation + signing in that slot.
 */
export function signPrepared(call: Call, certId: string, prepare: () => Promise<PreparedSign>): Promise<unknown> {
  return inOriginSlot(call, async (slot) => {
    const prepared = await prepare();
    const cert = await usableCertificate(call, certId);
    return runSigning(call, cert, prepared.subject, (key) => prepared.execute(key), slot);
  });
}

/** Runs `work` in the call's origin slot: the one the dispatcher took, else one taken now (direct callers, tests). */
export function inOriginSlot<T>(call: Call, work: (slot: OriginSlot) => Promise<T>): Promise<T> {
  return call.slot ? work(call.slot) : call.deps.limiter.withSlot(call.origin, work);
}
