// PDF extras for `kyso-agent verify`: the CMS of each /ByteRange re-checked by verifyCms for timestamp and chain.
import { createHash } from 'node:crypto';
import { verifyCms, type SignatureReport, type VerifyOptions } from '../signing/index.js';

/**
 * verifyPdf reports integrity, coverage and the signer certificate but not the certificates the CMS carries or
 * its timestamp's validity. Each signature's CMS sits in the gap of its /ByteRange: it is verified here with
 * verifyCms over the ByteRange bytes, which adds timestamp and chain results (with the carried intermediates).
 * PAdES CMS carry no signingTime, so results are grouped by signer certificate SHA-256 in file order; take()
 * hands them out in that order to verifyPdf's reports of the same signer.
 */
export async function pdfCmsReports(pdf: Uint8Array, options: VerifyOptions): Promise<PdfCmsReports> {
  const out = new PdfCmsReports();
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const [a, b, c, d] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
    if (a !== 0 || c <= b + 1 || c + d > pdf.length || pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) continue;
    const hex = text.slice(b + 1, c - 1).replace(/\s+/g, '');
    const padded = new Uint8Array(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
    const der = padded.subarray(0, derLength(padded));
    const content = new Uint8Array(b + d);
    content.set(pdf.subarray(0, b), 0);
    content.set(pdf.subarray(c, c + d), b);
    try {
      for (const r of await verifyCms(der, content, options)) out.add(r);
    } catch {
      // Not a CMS we can read: verifyPdf's own report already says why.
    }
  }
  return out;
}

/** Exact length of the DER element at the start of `b` (/Contents is zero-padded after it). */
function derLength(b: Uint8Array): number {
  if (b.length < 2) return b.length;
  const l = b[1]!;
  if (l < 0x80) return Math.min(b.length, 2 + l);
  const n = l & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (b[2 + i] ?? 0);
  return Math.min(b.length, 2 + n + len);
}

/** verifyCms results of a PDF's signatures, per signer certificate in file order. */
export class PdfCmsReports {
  private readonly bySigner = new Map<string, SignatureReport[]>();

  add(r: SignatureReport): void {
    const key = certKey(r.certificate);
    this.bySigner.set(key, [...(this.bySigner.get(key) ?? []), r]);
  }

  /** The next unclaimed result for this signer certificate. */
  take(certificate: Uint8Array | undefined): SignatureReport | undefined {
    return this.bySigner.get(certKey(certificate))?.shift();
  }
}

function certKey(certificate: Uint8Array | undefined): string {
  return certificate ? createHash('sha256').update(certificate).digest('hex') : '-';
}
