// The flow every sign.* shares: certificate checks, the confirmation (+PIN) dialog, login, and a key usable only after approval.
import { AgentError, isAgentError } from './errors.js';
import type { Call } from './commands/command.js';
import { digestSignerOver, loginForSigning, signDigestWith } from './digest-signer.js';
import { offThreadSign } from './off-thread-signing.js';
import type { SignHooks } from './off-thread-signing.js';
import type { OriginSlot } from './policy/limits.js';
import type { AuthState, ConfirmRequest, DigestSigner, PinRequest, SignatureResult, SignDigestRequest } from './ports.js';
import { checkBeforeSigning, type StatusNotice } from './status/gate.js';
import type { Cert, SignSubject } from './types.js';

/** A key the user approved for this one operation. Only `runSigning` creates one, after the confirmation (T1). */
export interface ApprovedKey {
  certificate: Cert;
  /**
   * `hooks` reach the token layer only when the key signs off-thread (see {@link SigningOptions}) and the service
   * can; otherwise they are ignored (the caller then learns the outcome when the promise settles).
   */
  signDigest(request: Omit<SignDigestRequest, 'certId'>, hooks?: SignHooks): Promise<SignatureResult>;
  /** The DigestSigner the document formats use (chain fetched once). */
  digestSigner(): Promise<DigestSigner>;
}

/** How the approved key signs. */
export interface SigningOptions {
  /**
   * Let the token sign off the event loop when the service can (sign.batch overlaps the next item's document
   * work with the current signature). Calls into one module stay serialised by the token layer.
   */
  offThread?: boolean;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AgentError('USER_CANCELLED', 'The request was abandoned');
}

/** CERTIFICATE_NOT_FOUND / KEY_NOT_FOUND before any dialog: nothing to confirm with an unusable certificate. */
export async function usableCertificate(call: Call, certId: string): Promise<Cert> {
  const cert = await call.deps.tokens.getCertificate(certId);
  if (!cert.hasPrivateKey) {
    throw new AgentError('KEY_NOT_FOUND', 'The certificate has no private key on the token', { detail: 'no private key for this certificate' });
  }
  if (cert.status !== 'valid') {
    throw new AgentError('CERTIFICATE_NOT_FOUND', 'The certificate is not valid now', {
      detail: cert.status === 'expired' ? 'the certificate has expired' : 'the certificate is not yet valid',
    });
  }
  return cert;
}

const PIN_RETRY_REASONS = new Set(['PIN_INCORRECT', 'PIN_LENGTH_INVALID']);
/** Re-asks in one operation before giving up: a faulty dialog answering instantly must not spin the agent. */
const MAX_DIALOG_ROUNDS = 10;

/**
 * Shows the confirmation for `subject` (with a PIN field when the token needs one), logs in with what the user
 * typed, then runs `work` with an ApprovedKey. A wrong PIN re-opens the SAME dialog with `previousError` and the
 * token's new pinStatus; the user decides to retry or cancel (cancelling then reports the PIN error). The agent
 * never retries a PIN itself. For CKA_ALWAYS_AUTHENTICATE keys the PIN bytes are kept for this operation only
 * (one batch) and zeroed in `finally`. The caller holds nothing of the PIN.
 *
 * `slot`: the origin's operation slot when the caller took it before parsing its documents (review M4); without
 * it the slot is taken here. The login is held for the whole operation (review M2: with requirePinEveryTime a
 * batch still asks one PIN) and released, which logs out in that mode, when the operation ends.
 */
export async function runSigning<T>(
  call: Call, cert: Cert, subject: SignSubject, work: (key: ApprovedKey) => Promise<T>, slot?: OriginSlot, options: SigningOptions = {},
): Promise<T> {
  const { tokens, prompt, limiter, logger } = call.deps;
  const ctx = call.promptContext;
  throwIfAborted(ctx.signal);
  if (!slot) return limiter.withSlot(call.origin, (own) => runSigning(call, cert, subject, work, own, options));
  // Key strength and certificate status come before the dialog: a revoked certificate never reaches C_Sign (T20).
  const statusNotice = await checkBeforeSigning(call.deps, cert, ctx.signal);
  throwIfAborted(ctx.signal);
  const legacyHash = sha1Decision(call, subject);
  slot.prompt();
  let contextPin: Uint8Array | null | undefined;
  let releaseLogin: (() => Promise<void>) | undefined;
  let signed = false;
  try {
    const auth = await tokens.authState(cert.certId);
    if (auth.pinStatus === 'locked') throw new AgentError('PIN_LOCKED', 'The token PIN is locked', { pinStatus: 'locked' });
    releaseLogin = tokens.holdLogin?.(auth.tokenId);
    contextPin = await confirmAndLogin(call, cert, subject, auth, statusNotice, legacyHash);
    const key = approvedKey(call, cert, contextPin, options.offThread === true);
    const result = await work(key);
    signed = true;
    return result;
  } finally {
    contextPin?.fill(0);
    prompt.finish(ctx, signed ? 'done' : 'failed');
    if (releaseLogin) {
      await releaseLogin().catch((e: unknown) => logger.warn('signing.logout-failed', { detail: e instanceof Error ? e.message : String(e) }));
    }
  }
}

/** The dialog loop. Returns the context PIN for always-authenticate keys (null: PIN-pad), else undefined. */
/** Every digest algorithm the subject would be signed with. */
function hashAlgorithmsOf(subject: SignSubject): string[] {
  if (subject.kind === 'batch') return (subject.items ?? []).flatMap(hashAlgorithmsOf);
  return subject.hashAlgorithm ? [subject.hashAlgorithm] : [];
}

/**
 * Policy `signing.sha1` for this subject, before any dialog: "refuse" answers ALGORITHM_UNSUPPORTED; "warn" and
 * "allow" travel to the dialog, which names SHA-1 as legacy (docs/security.md T26). undefined: no SHA-1 here.
 */
function sha1Decision(call: Call, subject: SignSubject): 'warn' | 'allow' | undefined {
  if (!hashAlgorithmsOf(subject).includes('SHA-1')) return undefined;
  const rule = call.deps.policy.signing.sha1;
  if (rule === 'refuse') throw new AgentError('ALGORITHM_UNSUPPORTED', 'SHA-1 is refused by policy', { detail: 'SHA-1 signatures are refused by the admin policy (signing.sha1)' });
  call.deps.logger.warn('signing.sha1', { origin: call.origin, policy: rule });
  return rule;
}

async function confirmAndLogin(call: Call, cert: Cert, subject: SignSubject, auth: AuthState, statusNotice?: StatusNotice, legacyHash?: 'warn' | 'allow'): Promise<Uint8Array | null | undefined> {
  const { tokens, prompt } = call.deps;
  const pin: PinRequest = { required: auth.loginRequired || auth.alwaysAuthenticate, pinpad: auth.pinpad, pinStatus: auth.pinStatus };
  let lastError: AgentError | undefined;
  for (let round = 0; ; round++) {
    if (round === MAX_DIALOG_ROUNDS && lastError) throw lastError;
    throwIfAborted(call.promptContext.signal);
    const request: ConfirmRequest = { subject, certificate: cert, pin: { ...pin } };
    if (statusNotice) request.certificateStatus = statusNotice;
    if (legacyHash) request.legacyHash = legacyHash;
    const answer = await prompt.confirmSigning(call.promptContext, request);
    if (!answer.approved) throw lastError ?? new AgentError('USER_CANCELLED', 'The user cancelled');
    const typed = answer.pin;
    try {
      if (!pin.required) return undefined;
      if (!pin.pinpad && (typed === undefined || typed.length === 0)) {
        throw new AgentError('PIN_LENGTH_INVALID', 'No PIN was entered', { pinStatus: pin.pinStatus });
      }
      return await loginForSigning(tokens, auth, pin.pinpad ? null : typed!);
    } catch (e) {
      if (!isAgentError(e) || !PIN_RETRY_REASONS.has(e.reason)) throw e;
      const status = e.data.pinStatus ?? pin.pinStatus;
      if (status === 'locked') throw new AgentError('PIN_LOCKED', 'The token PIN is locked', { pinStatus: 'locked' });
      lastError = new AgentError(e.reason, e.message, { pinStatus: status });
      pin.pinStatus = status;
      pin.previousError = e.reason as 'PIN_INCORRECT' | 'PIN_LENGTH_INVALID';
    } finally {
      typed?.fill(0);
    }
  }
}

function approvedKey(call: Call, cert: Cert, contextPin: Uint8Array | null | undefined, offThread: boolean): ApprovedKey {
  const { tokens } = call.deps;
  const signal = call.promptContext.signal;
  const beforeSign = (): void => throwIfAborted(signal);
  const signOff = offThread ? offThreadSign(tokens) : undefined;
  const signDigest = signOff ? signDigestOffThread(signOff, cert, contextPin, beforeSign) : signDigestWith(tokens, cert, contextPin, beforeSign);
  let signer: Promise<DigestSigner> | undefined;
  return {
    certificate: cert,
    signDigest,
    digestSigner() {
      signer ??= digestSignerOver(tokens, cert, signDigest);
      return signer;
    },
  };
}

/**
 * {@link signDigestWith} over the service's off-thread sign: the same context-PIN handling (a fresh copy per
 * signature, zeroed right after; the caller zeroes the original when the operation ends).
 */
function signDigestOffThread(
  sign: NonNullable<ReturnType<typeof offThreadSign>>, cert: Cert, contextPin: Uint8Array | null | undefined, beforeSign: () => void,
): (request: Omit<SignDigestRequest, 'certId'>, hooks?: SignHooks) => Promise<SignatureResult> {
  return async (request, hooks) => {
    beforeSign();
    // The abort is checked again inside the module slot: a caller gone while an earlier item was signing must not
    // get one more signature (one-by-one signing would refuse it too).
    const given = hooks;
    const checked: SignHooks = given
      ? { ...given, beforeToken: () => { beforeSign(); given.beforeToken?.(); } }
      : { beforeToken: beforeSign };
    const full: SignDigestRequest = { certId: cert.certId, ...request };
    if (contextPin === undefined) return sign(full, undefined, checked);
    const copy = contextPin === null ? null : contextPin.slice();
    try {
      return await sign(full, copy, checked);
    } finally {
      copy?.fill(0);
    }
  };
}
