// Lists the signatures of a PDF in the page (signer, time, integrity) by reading /ByteRange + a minimal CMS parse.

/** One signature found in the PDF. */
export interface PdfSignatureInfo {
  signer: string;
  /** From the signature dictionary's /M, ISO string, or null. */
  time: string | null;
  /** The ByteRange digest matches the signed messageDigest and (RSA) the signature verifies with the signer's key. */
  valid: boolean;
  /** The signature covers the whole file (false for earlier signatures followed by incremental updates). */
  coversWholeFile: boolean;
}

interface Tlv { tag: number; start: number; headerLen: number; len: number; }

function tlv(b: Uint8Array, at: number): Tlv {
  const tag = b[at]!;
  let len = b[at + 1]!;
  let headerLen = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[at + 2 + i]!;
    headerLen += n;
  }
  return { tag, start: at, headerLen, len };
}
function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = t.start + t.headerLen;
  const end = p + t.len;
  while (p < end) {
    const c = tlv(b, p);
    out.push(c);
    p = c.start + c.headerLen + c.len;
  }
  return out;
}
const body = (b: Uint8Array, t: Tlv) => b.subarray(t.start + t.headerLen, t.start + t.headerLen + t.len);
const whole = (b: Uint8Array, t: Tlv) => b.subarray(t.start, t.start + t.headerLen + t.len);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const OID_CN = '550403';
const OID_MESSAGE_DIGEST = '2a864886f70d010904';
const OID_RSA = '2a864886f70d010101';

function commonName(b: Uint8Array, name: Tlv): string {
  for (const rdn of children(b, name)) {
    for (const atv of children(b, rdn)) {
      const [oid, value] = children(b, atv);
      if (oid && value && hex(body(b, oid)) === OID_CN) {
        const v = body(b, value);
        // BMPString (0x1e) is UTF-16BE; the rest are UTF-8 compatible.
        return value.tag === 0x1e ? new TextDecoder('utf-16be').decode(v) : new TextDecoder().decode(v);
      }
    }
  }
  return '?';
}

interface CmsFacts { signer: string; spki: Uint8Array | null; rsa: boolean; digest: Uint8Array | null; signedAttrs: Uint8Array | null; signature: Uint8Array; digestAlg: string }

function parseCms(b: Uint8Array): CmsFacts {
  const ci = tlv(b, 0);
  const [, content] = children(b, ci);
  const sd = children(b, children(b, content!)[0]!);
  const certsTag = sd.find((t) => t.tag === 0xa0);
  const signerInfos = sd[sd.length - 1]!;
  const si = children(b, children(b, signerInfos)[0]!);
  // SignerInfo: version, sid (issuerAndSerialNumber), digestAlgorithm, [0] signedAttrs, sigAlg, signature
  const sidSerial = hex(body(b, children(b, si[1]!)[1] ?? si[1]!));
  let signer = '?';
  let spki: Uint8Array | null = null;
  let rsa = false;
  for (const cert of certsTag ? children(b, certsTag) : []) {
    const tbs = children(b, children(b, cert)[0]!);
    const off = tbs[0]!.tag === 0xa0 ? 1 : 0;
    if (hex(body(b, tbs[off]!)) !== sidSerial) continue;
    signer = commonName(b, tbs[off + 4]!);
    const key = tbs[off + 5]!;
    spki = whole(b, key);
    rsa = hex(body(b, children(b, children(b, key)[0]!)[0]!)) === OID_RSA;
  }
  const digestAlg = hex(body(b, children(b, si[2]!)[0]!));
  const attrsTag = si.find((t) => t.tag === 0xa0);
  let digest: Uint8Array | null = null;
  let signedAttrs: Uint8Array | null = null;
  if (attrsTag) {
    for (const attr of children(b, attrsTag)) {
      const [oid, values] = children(b, attr);
      if (hex(body(b, oid!)) === OID_MESSAGE_DIGEST) digest = body(b, children(b, values!)[0]!);
    }
    // The signature is over the attributes DER-encoded as a SET (tag 0x31), not the [0] IMPLICIT form.
    signedAttrs = whole(b, attrsTag).slice();
    signedAttrs[0] = 0x31;
  }
  return { signer, spki, rsa, digest, signedAttrs, signature: body(b, si[si.length - 1]!), digestAlg };
}

const DIGESTS: Record<string, string> = {
  '2b0e03021a': 'SHA-1', '608648016503040201': 'SHA-256', '608648016503040202': 'SHA-384', '608648016503040203': 'SHA-512',
};

function pdfDate(s: string | undefined): string | null {
  const m = s && /D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([Z+-])?(\d{2})?'?(\d{2})?/.exec(s);
  if (!m) return null;
  const tz = !m[7] || m[7] === 'Z' ? 'Z' : `${m[7]}${m[8] ?? '00'}:${m[9] ?? '00'}`;
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${tz}`).toISOString();
}

/** The signature dictionary's /M, written as a literal `(D:…)` or (as kyso-agent and many writers do) a hex string. */
function signTimeText(dict: string): string | undefined {
  const literal = /\/M\s*\((D:[^)]*)\)/.exec(dict)?.[1];
  if (literal) return literal;
  const hexText = /\/M\s*<([0-9A-Fa-f\s]+)>/.exec(dict)?.[1]?.replace(/\s/g, '');
  return hexText ? String.fromCharCode(...(hexText.match(/../g) ?? []).map((h) => parseInt(h, 16))) : undefined;
}

/** Every signature dictionary in the file, in file order (first signer first). */
export async function listPdfSignatures(pdf: Uint8Array): Promise<PdfSignatureInfo[]> {
  const text = new TextDecoder('latin1').decode(pdf);
  const out: PdfSignatureInfo[] = [];
  const re = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [a, b, c, d] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
    if (b === 0 && c === 0) continue; // a placeholder, not a signature
    // The signature's object: from its "obj" to the "endobj" after /Contents (hex, so no "/M" inside).
    const end = text.indexOf('endobj', c);
    const dict = text.slice(Math.max(0, text.lastIndexOf(' obj', m.index)), end < 0 ? text.length : end);
    const contents = text.slice(a + b, c).replace(/[<>\s]/g, '');
    const cms = Uint8Array.from(contents.match(/../g) ?? [], (h) => parseInt(h, 16));
    let info: PdfSignatureInfo = { signer: '?', time: pdfDate(signTimeText(dict)), valid: false, coversWholeFile: c + d === pdf.length };
    try {
      const f = parseCms(cms);
      info = { ...info, signer: f.signer };
      const alg = DIGESTS[f.digestAlg] ?? 'SHA-256';
      const signed = new Uint8Array(b + d);
      signed.set(pdf.subarray(a, a + b), 0);
      signed.set(pdf.subarray(c, c + d), b);
      const digest = new Uint8Array(await crypto.subtle.digest(alg, signed));
      let ok = f.digest !== null && hex(digest) === hex(f.digest);
      if (ok && f.rsa && f.spki && f.signedAttrs) {
        const key = await crypto.subtle.importKey('spki', f.spki as Uint8Array<ArrayBuffer>, { name: 'RSASSA-PKCS1-v1_5', hash: alg }, false, ['verify']);
        ok = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, f.signature as Uint8Array<ArrayBuffer>, f.signedAttrs as Uint8Array<ArrayBuffer>);
      }
      info.valid = ok;
    } catch {
      info.valid = false;
    }
    out.push(info);
  }
  return out;
}

/** SubjectPublicKeyInfo (DER) of an X.509 certificate and whether it is RSA (for WebCrypto verification). */
export function certificateKey(der: Uint8Array): { spki: Uint8Array; rsa: boolean; commonName: string } {
  const tbs = children(der, children(der, tlv(der, 0))[0]!);
  const off = tbs[0]!.tag === 0xa0 ? 1 : 0;
  const key = tbs[off + 5]!;
  return { spki: whole(der, key), rsa: hex(body(der, children(der, children(der, key)[0]!)[0]!)) === OID_RSA, commonName: commonName(der, tbs[off + 4]!) };
}
