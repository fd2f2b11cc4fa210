// A PDF's incremental updates (revisions) and what each one carries, so the report can say what changed after each
// signature (docs/trust.md "Verification").
import type { PdfChange } from '../../core/verify/report.js';

export interface Revision {
  /** 1-based. */
  number: number;
  start: number;
  /** Offset just after this revision's %%EOF line. */
  end: number;
  kind: PdfChange['kind'];
  objects: number | null;
}

/** At most this many revisions are described; a file with more is hostile or machine-made. */
const MAX_REVISIONS = 1000;

/**
 * Splits the file at every `%%EOF` marker and classifies each update by the objects it writes: a document timestamp,
 * a signature (a new /ByteRange), validation data (a DSS), or other content. Objects inside compressed object
 * streams are not visible to this scan: such an update counts as "other" unless its plain text says more.
 */
export function pdfRevisions(pdf: Uint8Array): Revision[] {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const out: Revision[] = [];
  let start = 0;
  for (const m of text.matchAll(/%%EOF[ \t]*(\r\n|\r|\n)?/g)) {
    if (out.length >= MAX_REVISIONS) break;
    const end = m.index + m[0].length;
    const part = text.slice(start, end);
    const first = out.length === 0;
    const kind: PdfChange['kind'] = first ? 'other'
      : /\/ETSI\.RFC3161|\/DocTimeStamp/.test(part) ? 'documentTimestamp'
        : /\/ByteRange\s*\[/.test(part) ? 'signature'
          : /\/DSS\b/.test(part) || /\/(OCSPs|CRLs|VRI)\b/.test(part) ? 'validationData' : 'other';
    const objects = part.match(/(?:^|[\r\n\s])\d+\s+\d+\s+obj\b/g)?.length ?? null;
    out.push({ number: out.length + 1, start, end, kind, objects });
    start = end;
  }
  // Bytes after the last %%EOF (an update without its marker) are content too.
  if (start < pdf.length && text.slice(start).trim().length > 0) {
    out.push({ number: out.length + 1, start, end: pdf.length, kind: 'other', objects: text.slice(start).match(/\d+\s+\d+\s+obj\b/g)?.length ?? null });
  }
  return out;
}

/** The revisions after a signature whose byte range ends at `signedEnd`. */
export function changesAfter(revisions: Revision[], signedEnd: number): PdfChange[] {
  return revisions.filter((r) => r.start >= signedEnd - 2 && r.end > signedEnd + 2).map((r) => ({ revision: r.number, kind: r.kind, objects: r.objects }));
}
