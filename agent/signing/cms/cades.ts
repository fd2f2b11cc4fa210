// CMS SignedData / CAdES-B-B and B-T: signed attributes built here, the signature asked of a DigestSigner.
import { createHash } from 'node:crypto';
import { AgentError } from '../../core/errors.js';
import type { CmsInput, CmsSignOptions, DigestSigner } from '../../core/ports.js';
import { HASH_LENGTH, type HashAlgorithm, type SignScheme } from '../../core/types.js';
import * as pkijs from 'pkijs';
import { hashAlgorithmIdentifier, schemeFor, signatureAlgorithmIdentifier, signerKey } from '../algorithms.js';
import { ctx, derSetOf, ecdsaRawToDer, flatten, node, tlv, OCTET_STRING, SEQUENCE, SET } from '../../asn1/index.js';
import { NODE_HASH } from '../algorithms.js';
import { certParts, encode, oid } from '../cert-parts.js';
import { requestTimestamp } from '../tsa/client.js';
import { OID, contentTypeAttr, messageDigestAttr, signatureTimestampAttr, signingCertificateV2Attr, signingTimeAttr } from './attributes.js';

/** Options of createCades: the wire options plus what PAdES and callers with PSS keys need. */
export type CadesOptions = CmsSignOptions & {
  /** PAdES: no signingTime attribute (the time lives in the signature dictionary). */
  pades?: boolean;
  /** eContentType and contentType attribute, default id-data. */
  contentType?: string;
  /** Force PSS on an RSA key (default from the key: PKCS#1 v1.5 for rsaEncryption keys). */
  scheme?: SignScheme;
};

const CHUNK = 4 << 20;

/** Hashes `data` in 4 MiB views: no copy of the caller's buffer. */
export function hashData(data: Uint8Array, hashAlgorithm: HashAlgorithm): Uint8Array {
  const h = createHash(NODE_HASH[hashAlgorithm]);
  for (let pos = 0; pos < data.length; pos += CHUNK) h.update(data.subarray(pos, Math.min(pos + CHUNK, data.length)));
  return new Uint8Array(h.digest());
}

/**
 * Builds a DER ContentInfo(SignedData) signed by `signer`: detached (default) or attached (needs `data`), over data
 * or a precomputed hash. Signed attributes: contentType, messageDigest, signingTime (unless `signingTime:false` or
 * `pades`), signingCertificateV2. With `timestamp`, adds an RFC 3161 signature timestamp (CAdES-B-T).
 */
export async function createCades(input: CmsInput, options: CmsSignOptions & { pades?: boolean; contentType?: string; scheme?: SignScheme }, signer: DigestSigner): Promise<Uint8Array> {
  const attached = options.detached === false;
  let hashAlgorithm: HashAlgorithm;
  let messageDigest: Uint8Array;
  let content: Uint8Array | undefined;
  if ('data' in input) {
    hashAlgorithm = options.hashAlgorithm;
    messageDigest = hashData(input.data, hashAlgorithm);
    content = input.data;
  } else {
    hashAlgorithm = input.hashAlgorithm;
    if (input.hash.length !== HASH_LENGTH[hashAlgorithm]) {
      throw new AgentError('HASH_LENGTH_INVALID', 'Hash length does not match the algorithm', { detail: `${hashAlgorithm} needs ${HASH_LENGTH[hashAlgorithm]} bytes, got ${input.hash.length}` });
    }
    messageDigest = input.hash;
    if (attached) throw new AgentError('INVALID_PARAMS', 'Attached CMS needs the data', { detail: 'an attached signature needs data, not a hash' });
  }

  const certDer = new Uint8Array(Buffer.from(signer.certificate.der, 'base64'));
  const parts = certParts(certDer);
  const key = signerKey(pkijs.Certificate.fromBER(certDer));
  const scheme = schemeFor(key, options.scheme);
  const contentType = options.contentType ?? OID.data;

  const attrs = [contentTypeAttr(contentType), messageDigestAttr(messageDigest), signingCertificateV2Attr(certDer)];
  if (options.signingTime !== false && !options.pades) attrs.push(signingTimeAttr(options.signingTime));
  // Signed over as a SET (tag 0x31), carried as [0] IMPLICIT: same content, DER-sorted.
  const signedAttrsSet = derSetOf(attrs, SET);
  const toBeSigned = hashData(signedAttrsSet, hashAlgorithm);
  let signature = await signer.sign(toBeSigned, hashAlgorithm, { scheme, ecdsaFormat: 'der' });
  if (scheme === 'ECDSA' && signature[0] !== 0x30 && key.ecSize && signature.length === key.ecSize * 2) signature = ecdsaRawToDer(signature);

  const unsigned: Uint8Array[] = [];
  if (options.timestamp) {
    const ts = await requestTimestamp(options.timestamp.url, hashData(signature, hashAlgorithm), hashAlgorithm);
    unsigned.push(signatureTimestampAttr(ts.token));
  }

  const signedAttrs = new Uint8Array(signedAttrsSet);
  signedAttrs[0] = ctx(0);
  const signerInfo = tlv(SEQUENCE,
    Uint8Array.of(0x02, 0x01, 0x01),
    tlv(SEQUENCE, parts.issuer, parts.serial),
    encode(hashAlgorithmIdentifier(hashAlgorithm).toSchema()),
    signedAttrs,
    encode(signatureAlgorithmIdentifier(scheme, hashAlgorithm).toSchema()),
    tlv(OCTET_STRING, signature),
    ...(unsigned.length ? [derSetOf(unsigned, ctx(1))] : []),
  );
  const certificates = [certDer, ...signer.chain.filter((c) => !Buffer.from(c).equals(Buffer.from(certDer)))];
  const encap = attached && content
    ? node(SEQUENCE, oid(contentType), node(ctx(0), node(OCTET_STRING, content)))
    : node(SEQUENCE, oid(contentType));
  const signedData = node(SEQUENCE,
    Uint8Array.of(0x02, 0x01, 0x01),
    tlv(SET, encode(hashAlgorithmIdentifier(hashAlgorithm).toSchema())),
    encap,
    tlv(ctx(0), ...certificates),
    tlv(SET, signerInfo),
  );
  return flatten(node(SEQUENCE, oid(OID.signedData), node(ctx(0), signedData)));
}
