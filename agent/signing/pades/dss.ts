// PAdES B-LT: the Document Security Store (ISO 32000-2 §12.8.4.3) with certificates, OCSP responses, CRLs and VRI,
// written as one more incremental update so earlier signatures keep their byte ranges.
import { createHash } from 'node:crypto';
import { asInvalid, PdfFile } from './document.js';
import type { PdfRef} from './pdf-objects.js';
import { name, PdfDict, PdfStream, type PdfObject } from './pdf-objects.js';
import { flateStream, IncrementalWriter } from './writer.js';

/** Validation data for the DSS (DER each). */
export interface ValidationMaterial {
  certs: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
}

/** A signature the VRI entry is about: its /Contents bytes (the key is their SHA-1) and the data that validates it. */
export interface VriEntry {
  signatureContents: Uint8Array;
  material: ValidationMaterial;
}

const digestOf = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Appends (or extends) the catalog's /DSS. Items already written in this update are shared between /Certs and the
 * VRI arrays; an existing DSS keeps its entries and gains the new ones.
 */
export function addDss(pdf: Uint8Array, material: ValidationMaterial, vri: VriEntry[] = []): Uint8Array {
  const file = PdfFile.open(pdf);
  try {
    const w = new IncrementalWriter(file);
    const written = new Map<string, PdfRef>();
    const streamRef = (bytes: Uint8Array): PdfRef => {
      const key = digestOf(bytes);
      let r = written.get(key);
      if (!r) {
        r = w.allocate();
        w.put(r, flateStream(new PdfDict(), bytes));
        written.set(key, r);
      }
      return r;
    };
    const old = file.dict(file.catalog.get('DSS'));
    const existing = (key: string): PdfObject[] => {
      const v = old ? file.resolve(old.get(key)) : undefined;
      return Array.isArray(v) ? v : [];
    };
    const dss = old ? old.clone() : new PdfDict([['Type', name('DSS')]]);
    const merge = (key: string, items: Uint8Array[]): void => {
      const refs = [...new Set(items.map(streamRef))];
      if (refs.length > 0 || existing(key).length > 0) dss.set(key, [...existing(key), ...refs]);
    };
    merge('Certs', material.certs);
    merge('OCSPs', material.ocsps);
    merge('CRLs', material.crls);
    if (vri.length > 0) {
      const vriDict = file.dict(old?.get('VRI'))?.clone() ?? new PdfDict();
      for (const entry of vri) {
        const key = createHash('sha1').update(entry.signatureContents).digest('hex').toUpperCase();
        const e = new PdfDict();
        if (entry.material.certs.length) e.set('Cert', entry.material.certs.map(streamRef));
        if (entry.material.ocsps.length) e.set('OCSP', entry.material.ocsps.map(streamRef));
        if (entry.material.crls.length) e.set('CRL', entry.material.crls.map(streamRef));
        vriDict.set(key, e);
      }
      dss.set('VRI', vriDict);
    }
    const dssRef = w.allocate();
    w.put(dssRef, dss);
    const catalog = file.catalog.clone();
    catalog.set('DSS', dssRef);
    // ESIC extension level for PAdES (ISO 32000-1 extension, ETSI EN 319 142-1 §5.4).
    if (!catalog.has('Extensions')) catalog.set('Extensions', new PdfDict([['ESIC', new PdfDict([['BaseVersion', name('1.7')], ['ExtensionLevel', 1]])]]));
    w.put(file.rootRef, catalog);
    const out = w.build().out;
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (e) {
    throw asInvalid(e);
  }
}

/** Most items read from each DSS array (a document is untrusted input). */
const MAX_DSS_ITEMS = 64;

/** The DSS of a parsed file (certificates, OCSP responses, CRLs), or undefined when there is none. Unreadable items are skipped. */
export function readDss(file: PdfFile): ValidationMaterial | undefined {
  const dss = file.dict(file.catalog.get('DSS'));
  if (!dss) return undefined;
  const items = (key: string): Uint8Array[] => {
    const v = file.resolve(dss.get(key));
    if (!Array.isArray(v)) return [];
    return v.slice(0, MAX_DSS_ITEMS).flatMap((ref) => {
      const s = file.resolve(ref);
      try {
        return s instanceof PdfStream ? [file.streamData(s)] : [];
      } catch {
        return [];
      }
    });
  };
  return { certs: items('Certs'), ocsps: items('OCSPs'), crls: items('CRLs') };
}
