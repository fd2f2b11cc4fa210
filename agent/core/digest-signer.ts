// Login with a PIN the user gave and a DigestSigner over the token key: shared by the dialog flow and the CLI.
import type { AuthState, DigestSigner, SignatureResult, SignDigestRequest, TokenService } from './ports.js';
import type { Cert } from './types.js';

/** Signs one digest with the certificate's key (the certId is filled in). */
export type SignDigest = (request: Omit<SignDigestRequest, 'certId'>) => Promise<SignatureResult>;

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

/**
 * Signs digests with `cert`'s key. `contextPin` (see {@link loginForSigning}) is read at each signature and a
 * fresh copy handed to the token, zeroed right after; the caller zeroes the original when the operation ends.
 * `beforeSign` runs first (e.g. throws when the request was abandoned).
 */
export function signDigestWith(tokens: TokenService, cert: Cert, contextPin: Uint8Array | null | undefined, beforeSign?: () => void): SignDigest {
  return async (request) => {
    beforeSign?.();
    const full: SignDigestRequest = { certId: cert.certId, ...request };
    if (contextPin === undefined) return tokens.sign(full);
    const copy = contextPin === null ? null : contextPin.slice();
    try {
      return await tokens.sign(full, copy);
    } finally {
      copy?.fill(0);
    }
  };
}

/** The DigestSigner the document formats use: the key behind `signDigest`, the token's chain fetched once here. */
export async function digestSignerOver(tokens: TokenService, cert: Cert, signDigest: SignDigest): Promise<DigestSigner> {
  const chain = await tokens.getChain(cert.certId);
  return {
    certificate: cert,
    chain,
    async sign(digest, hashAlgorithm, options) {
      const request: Omit<SignDigestRequest, 'certId'> = { digest, hashAlgorithm };
      if (options?.scheme) request.scheme = options.scheme;
      if (options?.ecdsaFormat) request.ecdsaFormat = options.ecdsaFormat;
      return (await signDigest(request)).signature;
    },
  };
}

/** A DigestSigner for `cert` after {@link loginForSigning}: what the CLI and the dialog flow both sign with. */
export function digestSignerFor(tokens: TokenService, cert: Cert, contextPin: Uint8Array | null | undefined, beforeSign?: () => void): Promise<DigestSigner> {
  return digestSignerOver(tokens, cert, signDigestWith(tokens, cert, contextPin, beforeSign));
}
