// sign.hash: signs a caller-supplied digest (labelled in the dialog as a hash the agent cannot show).
import { encodeBase64, toHex } from '../protocol/encoding.js';
import type { HashItemParams, SignHashParams } from '../protocol/schemas.js';
import type { Cert, HashAlgorithm, SignScheme } from '../types.js';
import type { Call } from './command.js';
import { assertHashSigningAllowed, signPrepared, type PreparedSign } from './prepared.js';

export interface SignHashResult {
  signature: string;
  scheme: SignScheme;
  hashAlgorithm: HashAlgorithm;
  certificate: Cert;
}

export async function prepareHash(p: HashItemParams, call: Call): Promise<PreparedSign> {
  assertHashSigningAllowed(call);
  const subject = { kind: 'hash' as const, hashHex: toHex(p.hash), hashAlgorithm: p.hashAlgorithm, ...(p.label !== undefined ? { label: p.label } : {}) };
  return {
    kind: 'hash',
    subject,
    async execute(key): Promise<SignHashResult> {
      const request: Parameters<typeof key.signDigest>[0] = { digest: p.hash, hashAlgorithm: p.hashAlgorithm };
      if (p.scheme) request.scheme = p.scheme;
      if (p.ecdsaFormat) request.ecdsaFormat = p.ecdsaFormat;
      const r = await key.signDigest(request);
      return { signature: encodeBase64(r.signature), scheme: r.scheme, hashAlgorithm: p.hashAlgorithm, certificate: key.certificate };
    },
  };
}

export async function signHashCommand(params: SignHashParams, call: Call): Promise<unknown> {
  const { certId, ...rest } = params;
  return signPrepared(call, certId, () => prepareHash(rest, call));
}
