// What kind of signed file this is, by its first bytes: PDF, XML, Office (ZIP/CFB) or CMS (DER or PEM).
import type { VerifiedFormat } from '../../core/verify/report.js';

/** PDF by its header, XML by its first character, else a DER (or PEM) CMS SignedData; null when none fits. */
export function sniffFormat(bytes: Uint8Array): { format: VerifiedFormat; bytes: Uint8Array } | null {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  // DER SEQUENCE with a long length first: an attached CMS may carry a PDF, whose header is then in the first KiB.
  if (bytes[0] === 0x30 && bytes[1]! >= 0x81 && bytes[1]! <= 0x86) return { format: 'cms', bytes };
  if (head.includes('%PDF-')) return { format: 'pdf', bytes };
  // A ZIP (Office Open XML), or an OLE/CFB container (an encrypted Office file, refused with its own message).
  if (head.startsWith('PK\x03\x04') || head.startsWith('\xD0\xCF\x11\xE0')) return { format: 'ooxml', bytes };
  const text = head.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  const pem = /-----BEGIN (?:PKCS7|CMS)-----/.exec(text);
  if (pem) {
    const all = Buffer.from(bytes).toString('latin1');
    const m = /-----BEGIN (PKCS7|CMS)-----([\s\S]*?)-----END \1-----/.exec(all);
    return m ? { format: 'cms', bytes: new Uint8Array(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64')) } : null;
  }
  if (text.startsWith('<')) return { format: 'xml', bytes };
  if (bytes[0] === 0x30) return { format: 'cms', bytes };
  return null;
}
