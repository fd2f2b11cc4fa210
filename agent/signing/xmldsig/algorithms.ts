// XMLDSig algorithm URIs (canonicalisation, transforms, digests, signatures) and their mapping to our names.
import type { HashAlgorithm, SignScheme } from '../../core/types.js';
import type { XmlSignOptions } from '../../core/ports.js';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export type C14nName = NonNullable<XmlSignOptions['c14n']> | 'exc-c14n-with-comments';

export const C14N_URI: Record<C14nName, string> = {
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  'c14n-with-comments': 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  'exc-c14n': 'http://www.w3.org/2001/10/xml-exc-c14n#',
  'exc-c14n-with-comments': 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
};

export const DIGEST_URI: Record<HashAlgorithm, string> = {
  'SHA-1': 'http://www.w3.org/2000/09/xmldsig#sha1',
  'SHA-256': 'http://www.w3.org/2001/04/xmlenc#sha256',
  'SHA-384': 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  'SHA-512': 'http://www.w3.org/2001/04/xmlenc#sha512',
};

const RSA_URI: Record<HashAlgorithm, string> = {
  'SHA-1': 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'SHA-256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'SHA-384': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'SHA-512': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
};

const ECDSA_URI: Record<HashAlgorithm, string> = {
  'SHA-1': 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1',
  'SHA-256': 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  'SHA-384': 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
  'SHA-512': 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
};

/** SignatureMethod URI for a scheme (PKCS#1 v1.5 or ECDSA) and hash. */
export function signatureMethodUri(scheme: SignScheme, hash: HashAlgorithm): string {
  return scheme === 'ECDSA' ? ECDSA_URI[hash] : RSA_URI[hash];
}

function reverse<K extends string>(map: Record<K, string>): Map<string, K> {
  return new Map((Object.keys(map) as K[]).map((k) => [map[k], k]));
}
export const C14N_BY_URI = reverse(C14N_URI);
export const DIGEST_BY_URI = reverse(DIGEST_URI);
const RSA_BY_URI = reverse(RSA_URI);
const ECDSA_BY_URI = reverse(ECDSA_URI);

/** Scheme and hash of a SignatureMethod URI, undefined when unsupported. */
export function signatureMethodFromUri(uri: string): { scheme: SignScheme; hash: HashAlgorithm } | undefined {
  const rsa = RSA_BY_URI.get(uri);
  if (rsa) return { scheme: 'PKCS1v15', hash: rsa };
  const ec = ECDSA_BY_URI.get(uri);
  if (ec) return { scheme: 'ECDSA', hash: ec };
  return undefined;
}
