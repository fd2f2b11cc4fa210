// What an OOXML signature covers (ECMA-376 Part 2 §13.2.4): for every relationship part, the relationships worth
// signing (through the RelationshipTransform) and the parts they target, digested as stored bytes.
import { createHash } from 'node:crypto';
import type { HashAlgorithm } from '../../core/types.js';
import { NODE_HASH } from '../algorithms.js';
import { canonicalize } from '../xmldsig/c14n.js';
import { attr, ELEMENT, elementChildren, type XAttr, type XElement } from '../xmldsig/tree.js';
import { contentTypeOf, parseXmlBytes, readRelationships, RELS_CONTENT_TYPE, RELS_NS, resolveTarget, sourceOfRels, type OpcPackage } from './opc.js';
import { entryData, ZipError } from './zip.js';

export const RELATIONSHIP_TRANSFORM = 'http://schemas.openxmlformats.org/package/2006/RelationshipTransform';
export const DIGSIG_NS = 'http://schemas.openxmlformats.org/package/2006/digital-signature';

/**
 * Relationship types left out, as Office leaves them out: the signatures themselves and the document properties
 * (which Office rewrites on save). Compared on the part after ".../relationships/", so the Transitional and the
 * Strict namespaces both match. Everything else that a relationship reaches is signed.
 */
const UNSIGNED_TYPES = new Set([
  'digital-signature/origin', 'digital-signature/signature', 'digital-signature/certificate',
  'metadata/core-properties', 'metadata/thumbnail', 'extended-properties', 'custom-properties',
]);

export function isSignedRelationshipType(type: string): boolean {
  const i = type.indexOf('/relationships/');
  return !UNSIGNED_TYPES.has(i === -1 ? type : type.slice(i + '/relationships/'.length));
}

export interface ManifestReference {
  /** `/part/name?ContentType=…` */
  uri: string;
  digest: string;
  /** For relationship parts: the SourceIds of the RelationshipTransform. */
  sourceIds?: string[];
}

/**
 * The RelationshipTransform followed by inclusive C14N: only the Relationship elements whose Id or Type is
 * selected, without content, sorted by Id, TargetMode="Internal" made explicit.
 */
export function relationshipTransform(relsXml: Uint8Array, sourceIds: ReadonlySet<string>, sourceTypes: ReadonlySet<string> = new Set()): string {
  const { doc } = parseXmlBytes(relsXml, 'relationships');
  const picked: XElement[] = [];
  for (const el of elementChildren(doc.root)) {
    if (el.namespaceURI !== RELS_NS || el.localName !== 'Relationship') continue;
    if (!sourceIds.has(attr(el, 'Id') ?? '') && !sourceTypes.has(attr(el, 'Type') ?? '')) continue;
    el.children = [];
    if (attr(el, 'TargetMode') === null) {
      const mode: XAttr = { name: 'TargetMode', prefix: '', localName: 'TargetMode', namespaceURI: '', value: 'Internal', isNs: false };
      el.attrs.push(mode);
    }
    picked.push(el);
  }
  picked.sort((a, b) => {
    const x = attr(a, 'Id') ?? '';
    const y = attr(b, 'Id') ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  });
  doc.root.children = picked;
  for (const p of picked) if (p.type === ELEMENT) p.parent = doc.root;
  return canonicalize(doc, { exclusive: false, withComments: false });
}

const b64digest = (hash: HashAlgorithm, data: Uint8Array | string): string => createHash(NODE_HASH[hash]).update(data).digest('base64');

/**
 * The manifest of a new signature over `pkg`, sorted by part name as Office writes it. `hash` null: only checks
 * that a signature can be made (targets inside the package, content types known) without digesting anything.
 */
export function buildManifest(pkg: OpcPackage, hash: HashAlgorithm | null): ManifestReference[] {
  const refs: ManifestReference[] = [];
  const digested = new Set<string>();
  for (const e of pkg.entries) {
    const source = sourceOfRels(e.name);
    if (source === null || e.name.startsWith('_xmlsignatures/')) continue;
    const { rels } = readRelationships(e);
    const ids: string[] = [];
    for (const r of rels) {
      if (!isSignedRelationshipType(r.type)) continue;
      ids.push(r.id);
      if (r.external) continue;
      const target = resolveTarget(source, r.target);
      if (target === null) throw new ZipError(`relationship ${r.id} in ${e.name.slice(0, 80)} points outside the package`);
      const key = target.toLowerCase();
      if (digested.has(key)) continue;
      const part = pkg.byName.get(key);
      // A dangling internal target (Office tolerates some) is left out rather than signed as missing.
      if (!part) continue;
      digested.add(key);
      const type = contentTypeOf(pkg, part.name);
      if (type === undefined) throw new ZipError(`part ${part.name.slice(0, 80)} has no content type`);
      refs.push({ uri: `/${part.name}?ContentType=${type}`, digest: hash ? b64digest(hash, entryData(part)) : '' });
    }
    if (ids.length === 0) continue;
    const digest = hash ? b64digest(hash, relationshipTransform(entryData(e), new Set(ids))) : '';
    refs.push({ uri: `/${e.name}?ContentType=${RELS_CONTENT_TYPE}`, digest, sourceIds: ids });
  }
  return refs.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
}
