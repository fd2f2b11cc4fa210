// Optional TokenService capability (additive to ports.ts): a signature whose blocking driver call runs off the event loop.
import type { AgentError } from './errors.js';
import type { SignatureResult, SignDigestRequest, TokenService } from './ports.js';

/**
 * Callbacks of one off-thread signature, for a caller that pipelines signatures (sign.batch). `beforeToken` and
 * `onFailure` run INSIDE the module's call queue, so what they decide holds before any later call enters the module.
 */
export interface SignHooks {
  /** Right before the token is touched, inside the queue slot: throw (an AgentError) to skip this signature. */
  beforeToken?(): void;
  /** The signature failed: called inside the queue slot, before the next queued call can run. */
  onFailure?(error: AgentError): void;
  /** The signature has taken its place in the module queue; later calls queue behind it. */
  queued?(): void;
}

/**
 * A token service that can run the driver's sign call on a worker thread, so that sign.batch prepares the next
 * document while the token signs. Same contract as {@link TokenService.sign} (reasons, contextPin, zeroing by the
 * caller); calls into one module stay serialised. Single signatures keep using `sign` (lower latency).
 */
export interface OffThreadSigning {
  signOffThread(request: SignDigestRequest, contextPin?: Uint8Array | null, hooks?: SignHooks): Promise<SignatureResult>;
}

/** The service's off-thread sign, bound to it, or undefined when the service has none (fakes, other hosts). */
export function offThreadSign(tokens: TokenService): OffThreadSigning['signOffThread'] | undefined {
  const candidate = (tokens as Partial<OffThreadSigning>).signOffThread;
  return typeof candidate === 'function' ? candidate.bind(tokens) : undefined;
}
