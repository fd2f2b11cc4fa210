// The messages between the agent and its document worker (docs/architecture.md, "Document worker"). Structured
// clone carries them: plain data, Dates and byte arrays; errors travel as their reason, message and data.
import { AgentError, type ErrorData, type Reason } from '../../core/errors.js';
import type { OfficeSignOptions, XmlSignOptions } from '../../core/ports.js';
import type { Cert, EcdsaFormat, HashAlgorithm, SignScheme } from '../../core/types.js';
import type { VerifyOptions } from '../verify/report.js';

/** The signer as the worker sees it: the certificate and chain; its signatures are asked of the agent. */
export interface SignerInfo {
  certificate: Cert;
  chain: Uint8Array[];
}

/** A job the agent gives the worker. */
export type Job =
  | { op: 'describeXml'; xml: Uint8Array; options: XmlSignOptions }
  | { op: 'signXml'; xml: Uint8Array; options: XmlSignOptions; signer: SignerInfo }
  | { op: 'describeOffice'; document: Uint8Array; options: Pick<OfficeSignOptions, 'fileName' | 'allowMacros'> }
  | { op: 'signOffice'; document: Uint8Array; options: OfficeSignOptions; signer: SignerInfo }
  | { op: 'verifyXml'; xml: Uint8Array; options: VerifyOptions }
  | { op: 'verifyOffice'; document: Uint8Array; fileName: string; options: VerifyOptions };

/** An error as it crosses the thread boundary. */
export interface WireFailure {
  agentError: boolean;
  reason?: Reason;
  message: string;
  data?: ErrorData;
}

export type ToWorker =
  | { kind: 'job'; id: number; job: Job }
  /** The answer to a worker's `sign` request. */
  | { kind: 'signed'; id: number; call: number; value?: Uint8Array; failure?: WireFailure };

export type FromWorker =
  /** The worker's code is loaded: from now on a failure is the document's, not a missing worker. */
  | { kind: 'ready' }
  | { kind: 'done'; id: number; value: unknown }
  | { kind: 'failed'; id: number; failure: WireFailure }
  /** The job needs one signature from the token (the key never leaves it, nor the agent's thread). */
  | { kind: 'sign'; id: number; call: number; digest: Uint8Array; hashAlgorithm: HashAlgorithm; options?: { scheme?: SignScheme; ecdsaFormat?: EcdsaFormat } };

export function toFailure(e: unknown): WireFailure {
  if (e instanceof AgentError) return { agentError: true, reason: e.reason, message: e.message, data: e.data };
  return { agentError: false, message: e instanceof Error ? e.message : String(e) };
}

/** The error a failure stands for on this side: an AgentError again, or a plain Error (the format turns it into DOCUMENT_INVALID). */
export function fromFailure(f: WireFailure): Error {
  return f.agentError && f.reason ? new AgentError(f.reason, f.message, f.data ?? {}) : new Error(f.message);
}
