// The Open Packaging Conventions view of a ZIP (ECMA-376 Part 2): parts by name, [Content_Types].xml and the
// relationship parts, parsed with the same safe XML parser as XMLDSig (UTF-8, no DTD, bounded).
import { isAgentError } from '../../core/errors.js';
import { parseXml } from '../xmldsig/parse.js';
import { attr, elementChildren, type XDocument } from '../xmldsig/tree.js';
import { entryData, readZip, ZipError, type ZipEntry, type ZipLimits } from './zip.js';

export const CT_NS = 'http://schemas.openxmlformats.org/package/2006/content-types';
export const RELS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
export const RELS_CONTENT_TYPE = 'application/vnd.openxmlformats-package.relationships+xml';
export const CONTENT_TYPES = '[Content_Types].xml';

export interface Relationship {
  id: string;
  type: string;
  target: string;
  external: boolean;
}

export interface OpcPackage {
  entries: ZipEntry[];
  /** Entries by part name without the leading slash, lower-cased (OPC names compare case-insensitively). */
  byName: Map<string, ZipEntry>;
  contentTypes: { defaults: Map<string, string>; overrides: Map<string, string>; text: string };
}

/** Reads the ZIP and [Content_Types].xml; ZipError for anything malformed. */
export function openPackage(bytes: Uint8Array, limits?: ZipLimits): OpcPackage {
  const entries = readZip(bytes, limits);
  const byName = new Map<string, ZipEntry>();
  for (const e of entries) if (!e.name.endsWith('/')) byName.set(e.name.toLowerCase(), e);
  const ct = byName.get(CONTENT_TYPES.toLowerCase());
  if (!ct) throw new ZipError('no [Content_Types].xml (not an Office Open XML package)');
  const { doc, text } = parsePartXml(ct);
  if (doc.root.namespaceURI !== CT_NS || doc.root.localName !== 'Types') throw new ZipError('[Content_Types].xml is not a Types document');
  const defaults = new Map<string, string>();
  const overrides = new Map<string, string>();
  for (const el of elementChildren(doc.root)) {
    const type = attr(el, 'ContentType') ?? '';
    if (el.localName === 'Default') defaults.set((attr(el, 'Extension') ?? '').toLowerCase(), type);
    else if (el.localName === 'Override') overrides.set((attr(el, 'PartName') ?? '').toLowerCase(), type);
  }
  return { entries, byName, contentTypes: { defaults, overrides, text } };
}

/** Parses an XML part (UTF-8, no DTD); malformed XML is a ZipError naming the part. */
export function parsePartXml(e: ZipEntry): { doc: XDocument; text: string } {
  return parseXmlBytes(entryData(e), e.name);
}

export function parseXmlBytes(data: Uint8Array, name: string): { doc: XDocument; text: string } {
  try {
    const { doc } = parseXml(data);
    return { doc, text: doc.text };
  } catch (err) {
    const detail = isAgentError(err) ? `: ${err.data.detail ?? ''}` : '';
    throw new ZipError(`part ${name.slice(0, 80)} is not well-formed XML${detail}`);
  }
}

/** The content type of `/name`: its Override, else the Default for its extension, else undefined. */
export function contentTypeOf(pkg: OpcPackage, name: string): string | undefined {
  const o = pkg.contentTypes.overrides.get(`/${name}`.toLowerCase());
  if (o !== undefined) return o;
  const dot = name.lastIndexOf('.');
  return dot > name.lastIndexOf('/') ? pkg.contentTypes.defaults.get(name.slice(dot + 1).toLowerCase()) : undefined;
}

/** The relationship part name of a source part ('' = the package): `word/document.xml` → `word/_rels/document.xml.rels`. */
export function relsNameOf(source: string): string {
  const slash = source.lastIndexOf('/');
  return `${source.slice(0, slash + 1)}_rels/${source.slice(slash + 1)}.rels`;
}

/** The source part of a relationship part name, or null when the name is not one. */
export function sourceOfRels(name: string): string | null {
  const m = /^(.*?)_rels\/([^/]*)\.rels$/.exec(name);
  if (!m) return null;
  return `${m[1]}${m[2]}`;
}

/** Resolves a relative internal Target against its source part; null when it escapes the package. */
export function resolveTarget(source: string, target: string): string | null {
  let path = target.split(/[?#]/)[0] ?? '';
  try {
    path = decodeURIComponent(path);
  } catch {
    return null;
  }
  const base = path.startsWith('/') ? [] : source.split('/').slice(0, -1);
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (base.length === 0) return null;
      base.pop();
    } else base.push(seg);
  }
  return base.length ? base.join('/') : null;
}

/** The relationships of a relationship part. */
export function readRelationships(e: ZipEntry): { rels: Relationship[]; text: string } {
  const { doc, text } = parsePartXml(e);
  if (doc.root.namespaceURI !== RELS_NS || doc.root.localName !== 'Relationships') throw new ZipError(`${e.name.slice(0, 80)} is not a Relationships document`);
  const rels: Relationship[] = [];
  for (const el of elementChildren(doc.root)) {
    if (el.namespaceURI !== RELS_NS || el.localName !== 'Relationship') continue;
    rels.push({ id: attr(el, 'Id') ?? '', type: attr(el, 'Type') ?? '', target: attr(el, 'Target') ?? '', external: attr(el, 'TargetMode') === 'External' });
  }
  return { rels, text };
}
