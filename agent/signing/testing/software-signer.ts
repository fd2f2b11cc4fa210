// A DigestSigner over a software key (node:crypto): for tests and benchmarks only, never wired into the agent.
import { createHash, createPrivateKey, privateEncrypt, randomBytes, constants, X509Certificate, type KeyObject } from 'node:crypto';
import { AgentError } from '../../core/errors.js';
import type { DigestSigner } from '../../core/ports.js';
import type { Cert, EcdsaFormat, HashAlgorithm, SignScheme } from '../../core/types.js';
import { HASH_LENGTH } from '../../core/types.js';
import { digestInfo } from '../../asn1/index.js';
import { NODE_HASH } from '../algorithms.js';
import { ecdsaSignDigest } from './ecdsa.js';



/**
 * Makes a DigestSigner from a PKCS#8 PEM key and its certificate, behaving like the token layer does:
 * it signs a digest (not data), builds DigestInfo for PKCS#1 v1.5, does EMSA-PSS itself for PSS, and returns
 * ECDSA signatures as DER (default) or raw r||s.
 */
export function softwareSigner(keyPem: string, certDer: Uint8Array, chain: Uint8Array[] = []): DigestSigner {
  const key = createPrivateKey(keyPem);
  const certificate = certFromDer(certDer, key);
  return {
    certificate,
    chain,
    sign(digest: Uint8Array, hashAlgorithm: HashAlgorithm, options: { scheme?: SignScheme; ecdsaFormat?: EcdsaFormat } = {}): Promise<Uint8Array> {
      if (digest.length !== HASH_LENGTH[hashAlgorithm]) throw new AgentError('HASH_LENGTH_INVALID');
      if (key.asymmetricKeyType === 'ec') {
        if (options.scheme && options.scheme !== 'ECDSA') throw new AgentError('ALGORITHM_UNSUPPORTED');
        return Promise.resolve(ecdsaSignDigest(key, digest, options.ecdsaFormat ?? 'der'));
      }
      const scheme = options.scheme ?? 'PKCS1v15';
      if (scheme === 'PKCS1v15') {
        return Promise.resolve(new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo(hashAlgorithm, digest))));
      }
      if (scheme === 'PSS') {
        const modBits = key.asymmetricKeyDetails?.modulusLength ?? 2048;
        const em = emsaPssEncode(digest, hashAlgorithm, modBits - 1);
        return Promise.resolve(new Uint8Array(privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, em)));
      }
      throw new AgentError('ALGORITHM_UNSUPPORTED');
    },
  };
}

/** RFC 8017 §9.1.1 EMSA-PSS-ENCODE with MGF1 over the same hash and salt length = hash length. */
function emsaPssEncode(mHash: Uint8Array, hashAlgorithm: HashAlgorithm, emBits: number): Buffer {
  const h = NODE_HASH[hashAlgorithm];
  const hLen = mHash.length;
  const sLen = hLen;
  const emLen = Math.ceil(emBits / 8);
  const salt = randomBytes(sLen);
  const mPrime = Buffer.concat([Buffer.alloc(8), mHash, salt]);
  const H = createHash(h).update(mPrime).digest();
  const db = Buffer.alloc(emLen - hLen - 1);
  db[emLen - sLen - hLen - 2] = 0x01;
  salt.copy(db, emLen - sLen - hLen - 1);
  const mask = mgf1(H, db.length, h);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] as number) ^ (mask[i] as number);
  db[0] = (db[0] as number) & (0xff >> (8 * emLen - emBits));
  const em = Buffer.concat([db, H, Buffer.from([0xbc])]);
  // privateEncrypt with no padding wants the modulus length exactly.
  return em.length * 8 < emBits + 1 ? Buffer.concat([Buffer.alloc(1), em]) : em;
}

function mgf1(seed: Buffer, length: number, hash: string): Buffer {
  const out: Buffer[] = [];
  let done = 0;
  for (let counter = 0; done < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    out.push(block);
    done += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** A Cert good enough for formats and tests: subject/issuer names, serial, validity, key algorithm. */
function certFromDer(der: Uint8Array, key: KeyObject): Cert {
  const cert = new X509Certificate(der);
  // node renders names one attribute per line ("C=VN\nO=…\nCN=…").
  const cn = (name: string): string => /^CN=(.*)$/m.exec(name)?.[1] ?? '';
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const now = Date.now();
  const keyAlgorithm = key.asymmetricKeyType === 'ec'
    ? `EC-${String(key.asymmetricKeyDetails?.namedCurve ?? '').replace(/^prime256v1$/, 'P256').replace(/^secp384r1$/, 'P384').replace(/^secp521r1$/, 'P521')}`
    : `RSA-${key.asymmetricKeyDetails?.modulusLength ?? 0}`;
  const thumb = createHash('sha256').update(der).digest('hex');
  return {
    certId: thumb,
    tokenId: 'software',
    der: Buffer.from(der).toString('base64'),
    thumbprintSha256: thumb,
    serialNumber: cert.serialNumber.toLowerCase(),
    subject: { commonName: cn(cert.subject), dn: cert.subject.split('\n').reverse().join(', ') },
    issuer: { commonName: cn(cert.issuer), dn: cert.issuer.split('\n').reverse().join(', ') },
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    status: now < notBefore.getTime() ? 'notYetValid' : now > notAfter.getTime() ? 'expired' : 'valid',
    keyAlgorithm,
    keyUsage: [],
    extendedKeyUsage: [],
    identifiers: {},
    hasPrivateKey: true,
  };
}
