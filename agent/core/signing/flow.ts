// The one path every sign.* takes once its documents are described: certificate → confirmation (+PIN) → login → sign.
import { AgentError, isAgentError } from '../errors.js';
import type { Call } from '../commands/command.js';
import type { OriginSlot } from '../policy/limits.js';
import type { AuthState, ConfirmPreview, ConfirmRequest, PinRequest } from '../ports.js';
import { checkBeforeSigning, type StatusNotice } from '../status/gate.js';
import type { Cert, SignSubject } from '../types.js';
import { approvedKey, loginForSigning, signDigestWith, throwIfAborted, type ApprovedKey } from './key.js';

/** How the approved key signs. */
export interface SigningOptions {
  /** See {@link KeyOptions.offThread}: sign.batch overlaps document work with the token's signature. */
  offThread?: boolean;
  /** Handed to the confirmation (ConfirmRequest.preview). */
  preview?: ConfirmPreview;
}

/**
 * The origin's operation slot. The dispatcher takes it for every sign.* before the params (documents) are even
 * decoded, so a busy origin gets BUSY first (docs/security.md T6); signing never takes one itself.
 */
export function slotOf(call: Call): OriginSlot {
  if (!call.slot) throw new AgentError('INTERNAL', 'Internal error', {}, 'a sign.* call reached signing without its origin slot');
  return call.slot;
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
 * Runs in the call's origin slot (see {@link slotOf}). The login is held for the whole operation (with
 * requirePinEveryTime a batch still asks one PIN) and released, which logs out in that mode, when it ends.
 */
export async function runSigning<T>(call: Call, cert: Cert, subject: SignSubject, work: (key: ApprovedKey) => Promise<T>, options: SigningOptions = {}): Promise<T> {
  const { tokens, prompt, logger } = call.deps;
  const ctx = call.promptContext;
  throwIfAborted(ctx.signal);
  const slot = slotOf(call);
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
    contextPin = await confirmAndLogin(call, cert, subject, auth, statusNotice, legacyHash, options.preview);
    const beforeSign = (): void => throwIfAborted(ctx.signal);
    const signDigest = signDigestWith(tokens, cert, contextPin, { beforeSign, offThread: options.offThread === true });
    const result = await work(approvedKey(tokens, cert, signDigest));
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

/** The dialog loop. Returns the context PIN for always-authenticate keys (null: PIN-pad), else undefined. */
async function confirmAndLogin(
  call: Call, cert: Cert, subject: SignSubject, auth: AuthState, statusNotice?: StatusNotice, legacyHash?: 'warn' | 'allow', preview?: ConfirmPreview,
): Promise<Uint8Array | null | undefined> {
  const { tokens, prompt } = call.deps;
  const pin: PinRequest = { required: auth.loginRequired || auth.alwaysAuthenticate, pinpad: auth.pinpad, pinStatus: auth.pinStatus };
  let lastError: AgentError | undefined;
  for (let round = 0; ; round++) {
    if (round === MAX_DIALOG_ROUNDS && lastError) throw lastError;
    throwIfAborted(call.promptContext.signal);
    const request: ConfirmRequest = { subject, certificate: cert, pin: { ...pin } };
    if (statusNotice) request.certificateStatus = statusNotice;
    if (legacyHash) request.legacyHash = legacyHash;
    if (preview) request.preview = preview;
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
