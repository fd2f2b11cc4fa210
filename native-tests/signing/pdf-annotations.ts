// What a signed PDF draws, read by qpdf (not by our parser): every page's annotations with their subtype, flags, box
// and the decoded content of their normal appearance stream, so tests can assert operators (colour, bold, slant).
import { expect } from 'vitest';
import { tool, workDir } from './helpers.js';

export interface DrawnAnnotation {
  /** 1-based page. */
  page: number;
  subtype: string;
  /** /FT of a widget (`/Sig`), else undefined. */
  fieldType?: string;
  flags: number;
  rect: number[];
  /** The /AP /N stream's decoded content (latin1), '' when absent. */
  appearance: string;
}

type Json = Record<string, unknown>;

/** qpdf --json=2 with every stream decoded inline. */
export async function drawnAnnotations(pdf: Uint8Array): Promise<DrawnAnnotation[]> {
  const w = await workDir('annots');
  try {
    const p = await w.write('a.pdf', pdf);
    const r = await tool('qpdf', ['--json=2', '--json-key=pages', '--json-key=qpdf', '--json-stream-data=inline', '--decode-level=generalized', p]);
    expect(r.code, r.out.slice(-2000)).toBe(0);
    const doc = JSON.parse(r.out.slice(r.out.indexOf('{'), r.out.lastIndexOf('}') + 1)) as { pages: Array<{ object: string }>; qpdf: [Json, Record<string, Json>] };
    const objects = doc.qpdf[1];
    const get = (ref: unknown): Json | undefined => (typeof ref === 'string' ? objects[`obj:${ref}`] : undefined);
    const value = (v: unknown): unknown => (typeof v === 'string' && / 0 R$/.test(v) ? (get(v)?.value ?? get(v)) : v);
    const out: DrawnAnnotation[] = [];
    doc.pages.forEach((pg, i) => {
      const page = get(pg.object)?.value as Json;
      const annots = (value(page['/Annots']) ?? []) as string[];
      for (const ref of annots) {
        const a = get(ref)?.value as Json;
        const ap = value(a['/AP']) as Json | undefined;
        const stream = ap ? (get(ap['/N'])?.stream as { data?: string } | undefined) : undefined;
        out.push({
          page: i + 1,
          subtype: String(a['/Subtype']),
          ...(a['/FT'] ? { fieldType: String(a['/FT']) } : {}),
          flags: Number(a['/F'] ?? 0),
          rect: value(a['/Rect']) as number[],
          appearance: stream?.data ? Buffer.from(stream.data, 'base64').toString('latin1') : '',
        });
      }
    });
    return out;
  } finally {
    await w.cleanup();
  }
}
