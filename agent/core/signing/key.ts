// The key after login: signatures over the token with the context PIN handled once, and the DigestSigner formats use.
import { AgentError } from '../errors.js';
import type { AuthState, DigestSigner, SignatureResult, SignDigestRequest, SignHooks, TokenService } from '../ports.js';
import type { Cert } from '../types.js';

/** Signs one digest with the certificate's key (the certId is filled in). */
export type SignDigest = (request: Omit<SignDigestRequest, 'certId'>, hooks?: SignHooks) => Promise<SignatureResult>;

/**
 * A key the user approved for this one operation. Only the signing flow creates one, after the confirmation (T1).
 * `hooks` reach the token layer only when the key signs off-thread and the service can; otherwise they are ignored
 * (the caller then learns the outcome when the promise settles).
 */
export interface ApprovedKey {
  certificate: Cert;
  signDigest: SignDigest;
  /** The DigestSigner the document formats use (chain fetched once). */
  digestSigner(): Promise<DigestSigner>;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AgentError('USER_CANCELLED', 'The request was abandoned');
}

/**
 * Logs in as `auth` requires with `pin` (null: PIN-pad). Returns the context PIN for CKA_ALWAYS_AUTHENTICATE keys
 * (a copy the caller zeroes when the operation ends; null on PIN-pad), else undefined. `pin` itself is zeroed:
 * by the token layer when it logs in, here otherwise. On failure nothing of the PIN is left behind.
 */
export async function loginForSigning(tokens: TokenService, auth: AuthState, pin: Uint8Array | null): Promise<Uint8Array | null | undefined> {
  // Copy before login: the token layer zeroes the buffer it is given.
  const contextPin = auth.alwaysAuthenticate ? (pin === null ? null : pin.slice()) : undefined;
  try {
    if (auth.loginRequired) await tokens.login(auth.tokenId, pin);
    else pin?.fill(0);
    return contextPin;
  } catch (e) {
    contextPin?.fill(0);
    pin?.fill(0);
    throw e;
  }
}

export interface KeyOptions {
  /** Runs before every signature, and again inside the module queue when signing off-thread (abandoned request). */
  beforeSign?: () => void;
  /**
   * Let the token sign off the event loop when the service can (sign.batch overlaps the next item's document
   * work with the current signature). Calls into one module stay serialised by the token layer.
   */
  offThread?: boolean;
}

/**
 * Signs digests with `cert`'s key, through `tokens.sign` or (offThread, when the service has it) `signOffThread`.
 * `contextPin` (see {@link loginForSigning}) is read at each signature and a fresh copy handed to the token, zeroed
 * right after; the caller zeroes the original when the operation ends.
 */
export function signDigestWith(tokens: TokenService, cert: Cert, contextPin: Uint8Array | null | undefined, options: KeyOptions = {}): SignDigest {
  const { beforeSign } = options;
  const offThread = options.offThread && tokens.signOffThread ? tokens.signOffThread.bind(tokens) : undefined;
  return async (request, hooks) => {
    beforeSign?.();
    const full: SignDigestRequest = { certId: cert.certId, ...request };
    const copy = contextPin === undefined ? undefined : contextPin === null ? null : contextPin.slice();
    try {
      if (!offThread) return await tokens.sign(full, copy);
      // Checked again inside the module slot: a caller gone while an earlier item was signing must not get one
      // more signature (one-by-one signing would refuse it too).
      const checked: SignHooks = beforeSign ? { ...hooks, beforeToken: () => { beforeSign(); hooks?.beforeToken?.(); } } : (hooks ?? {});
      return await offThread(full, copy, checked);
    } finally {
      copy?.fill(0);
    }
  };
}

/** The DigestSigner the document formats use: the key behind `signDigest`, the token's chain fetched once here. */
export async function digestSignerOver(tokens: TokenService, cert: Cert, signDigest: SignDigest): Promise<DigestSigner> {
  const chain = await tokens.getChain(cert.certId);
  return { certificate: cert, chain, sign: digestSignOver(signDigest) };
}

/** DigestSigner.sign over a SignDigest. */
export function digestSignOver(signDigest: SignDigest): DigestSigner['sign'] {
  return async (digest, hashAlgorithm, options) => {
    const request: Omit<SignDigestRequest, 'certId'> = { digest, hashAlgorithm };
    if (options?.scheme) request.scheme = options.scheme;
    if (options?.ecdsaFormat) request.ecdsaFormat = options.ecdsaFormat;
    return (await signDigest(request)).signature;
  };
}

/** The approved key over `signDigest` (the DigestSigner made on first use). */
export function approvedKey(tokens: TokenService, cert: Cert, signDigest: SignDigest): ApprovedKey {
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

/** A DigestSigner for `cert` after {@link loginForSigning}: what the CLI signs with. */
export function digestSignerFor(tokens: TokenService, cert: Cert, contextPin: Uint8Array | null | undefined, beforeSign?: () => void): Promise<DigestSigner> {
  return digestSignerOver(tokens, cert, signDigestWith(tokens, cert, contextPin, beforeSign ? { beforeSign } : {}));
}
