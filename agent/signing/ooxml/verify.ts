// verifyOffice: every signature part of a package — SignedInfo and its objects (verifyXml), then each manifest
// reference against the package's parts (RelationshipTransform for relationship parts), and whether the
// signature covers every part a new signature would cover.
import { createHash } from 'node:crypto';
import { NODE_HASH } from '../algorithms.js';
import type { SignatureReport, VerifyOptions } from '../verify/report.js';
import { verifyXml } from '../verify/xml.js';
import { C14N_BY_URI, DIGEST_BY_URI, DSIG_NS } from '../xmldsig/algorithms.js';
import { parseXml } from '../xmldsig/parse.js';
import { attr, elementChildren, textContent, type XElement } from '../xmldsig/tree.js';
import { officeInvalid, openOffice, signatureParts } from './describe.js';
import { buildManifest, DIGSIG_NS, RELATIONSHIP_TRANSFORM, relationshipTransform } from './manifest.js';
import { entryData, ZipError } from './zip.js';

const ds = (el: XElement, name: string): XElement[] => elementChildren(el).filter((c) => c.namespaceURI === DSIG_NS && c.localName === name);

/** Checks one manifest Reference; returns a problem or null. */
function checkPartReference(ref: XElement, bytesOf: (name: string) => Uint8Array | undefined): { problem: string | null; part: string } {
  const uri = attr(ref, 'URI') ?? '';
  const part = decodeURIComponent(uri.split('?')[0] ?? '').replace(/^\//, '');
  const data = bytesOf(part);
  if (!data) return { problem: `reference to a missing part ${uri.slice(0, 100)}`, part };
  const hash = DIGEST_BY_URI.get(attr(ds(ref, 'DigestMethod')[0] ?? ref, 'Algorithm') ?? '');
  if (!hash) return { problem: 'unsupported digest method', part };
  let input: Uint8Array | string = data;
  const transforms = ds(ds(ref, 'Transforms')[0] ?? ref, 'Transform');
  for (const t of transforms) {
    const alg = attr(t, 'Algorithm') ?? '';
    if (alg === RELATIONSHIP_TRANSFORM) {
      const refs = elementChildren(t).filter((c) => c.namespaceURI === DIGSIG_NS);
      const ids = new Set(refs.filter((c) => c.localName === 'RelationshipReference').map((c) => attr(c, 'SourceId') ?? ''));
      const types = new Set(refs.filter((c) => c.localName === 'RelationshipsGroupReference').map((c) => attr(c, 'SourceType') ?? ''));
      input = relationshipTransform(data, ids, types);
    } else if (C14N_BY_URI.get(alg) === 'c14n') {
      // The RelationshipTransform's output is already canonical; on a part alone inclusive C14N is required.
      if (typeof input !== 'string') return { problem: `C14N on a part without the RelationshipTransform is not supported (${part})`, part };
    } else return { problem: `unsupported transform ${alg}`, part };
  }
  const digest = createHash(NODE_HASH[hash]).update(input).digest('base64');
  const want = (ds(ref, 'DigestValue')[0] ? textContent(ds(ref, 'DigestValue')[0]!) : '').replace(/\s+/g, '');
  return { problem: digest === want ? null : `part ${part} was changed after signing`, part };
}

/** Verifies every signature of an Office package. Malformed packages → DOCUMENT_INVALID. */
export async function verifyOffice(bytes: Uint8Array, fileName: string, options: VerifyOptions = {}): Promise<SignatureReport[]> {
  // Verification reads macro files too: refusing to sign them is a policy, not a reason to hide their signatures.
  const { pkg, rootRels } = openOffice(bytes, { fileName, allowMacros: true });
  const bytesOf = (name: string): Uint8Array | undefined => {
    const e = pkg.byName.get(name.toLowerCase());
    return e ? entryData(e) : undefined;
  };
  const reports: SignatureReport[] = [];
  let expected: Set<string>;
  try {
    expected = new Set(buildManifest(pkg, null).map((r) => r.uri.split('?')[0]!.slice(1).toLowerCase()));
  } catch (e) {
    if (e instanceof ZipError) throw officeInvalid(e.message);
    throw e;
  }
  for (const part of signatureParts(pkg, rootRels.rels).parts) {
    const xml = bytesOf(part)!;
    const [report] = await verifyXml(xml, options);
    const r: SignatureReport = report ? { ...report, format: 'ooxml', id: part } : { format: 'ooxml', id: part, integrity: false, coversWholeDocument: false, problem: 'no Signature in the part' };
    reports.push(r);
    if (!report) continue;
    const root = parseXml(xml).doc.root;
    // Only a Manifest inside an Object that SignedInfo references counts (a stray one proves nothing).
    const signedIds = new Set(ds(ds(root, 'SignedInfo')[0] ?? root, 'Reference').map((x) => (attr(x, 'URI') ?? '').slice(1)));
    const manifest = ds(root, 'Object').filter((o) => signedIds.has(attr(o, 'Id') ?? '')).flatMap((o) => ds(o, 'Manifest'))[0];
    const covered = new Set<string>();
    let problem: string | null = manifest ? null : 'no package manifest (idPackageObject)';
    for (const ref of manifest ? ds(manifest, 'Reference') : []) {
      const checked = checkPartReference(ref, bytesOf);
      covered.add(checked.part.toLowerCase());
      problem ??= checked.problem;
    }
    if (problem) {
      r.integrity = false;
      r.problem = r.problem ?? problem;
    }
    const missing = [...expected].filter((p) => !covered.has(p));
    r.coversWholeDocument = r.integrity && missing.length === 0;
    if (r.integrity && missing.length) r.problem = `not covered by this signature: ${missing.slice(0, 5).join(', ')}`;
  }
  return reports;
}
