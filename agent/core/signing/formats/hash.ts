// sign.hash: signs a caller-supplied digest (labelled in the dialog as a hash the agent cannot show).
import { encodeBase64, toHex } from '../../protocol/encoding.js';
import type { Cert, HashAlgorithm, SignScheme } from '../../types.js';
import { assertHashSigningAllowed, type SignFormat } from '../format.js';

export interface SignHashResult {
  signature: string;
  scheme: SignScheme;
  hashAlgorithm: HashAlgorithm;
  certificate: Cert;
}

export const hashFormat: SignFormat<'hash'> = async (p, call) => {
  assertHashSigningAllowed(call);
  return {
    kind: 'hash',
    subject: { kind: 'hash', hashHex: toHex(p.hash), hashAlgorithm: p.hashAlgorithm, ...(p.label !== undefined ? { label: p.label } : {}) },
    async sign(key): Promise<SignHashResult> {
      const request: Parameters<typeof key.signDigest>[0] = { digest: p.hash, hashAlgorithm: p.hashAlgorithm };
      if (p.scheme) request.scheme = p.scheme;
      if (p.ecdsaFormat) request.ecdsaFormat = p.ecdsaFormat;
      const r = await key.signDigest(request);
      return { signature: encodeBase64(r.signature), scheme: r.scheme, hashAlgorithm: p.hashAlgorithm, certificate: key.certificate };
    },
  };
};
