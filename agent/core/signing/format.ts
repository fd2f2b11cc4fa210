// What one signing format is to the core: describe(params) → a planned signature (dialog subject + how to sign).
import { AgentError, isAgentError } from '../errors.js';
import type { Call } from '../commands/command.js';
import type { Method } from '../protocol/methods.js';
import type { ParamsOf } from '../protocol/schemas.js';
import type { SignSubject } from '../types.js';
import type { ApprovedKey } from './key.js';

/** The sign.* methods that sign one item of one format (sign.batch signs many of them). */
export type FormatMethod = Exclude<Extract<Method, `sign.${string}`>, 'sign.batch'>;
/** A format's name: `pdf` for `sign.pdf`. */
export type FormatKind = FormatMethod extends `sign.${infer K}` ? K : never;
/** A format's params: its method's params without the certificate (a batch item's `params`). */
export type FormatParams<K extends FormatKind> = Omit<ParamsOf<`sign.${K}`>, 'certId'>;

/** One item's subject in a dialog: a document or a hash (a batch is made of these). */
export type ItemSubject = Exclude<SignSubject, { kind: 'batch' }>;

/**
 * A signature checked and planned before any dialog: what the dialog shows, and the one step left once the user
 * approved. It holds the format's parsed document (its plan), so nothing is parsed twice.
 */
export interface PlannedSign {
  kind: FormatKind;
  subject: ItemSubject;
  sign(key: ApprovedKey): Promise<unknown>;
}

/** A format: checks params, parses and describes the document (DOCUMENT_INVALID before any dialog). */
export type SignFormat<K extends FormatKind> = (params: FormatParams<K>, call: Call) => Promise<PlannedSign>;

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
