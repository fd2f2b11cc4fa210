// Reads an Office package before any dialog: refuses what must not be signed (encrypted CFB containers, malformed
// or oversized ZIPs, macros unless allowed) and says what the dialog shows (type, size, SHA-256, first lines).
import { createHash } from 'node:crypto';
import { AgentError } from '../../core/errors.js';
import { descendants, elementChildren, textContent } from '../xmldsig/tree.js';
import { buildManifest } from './manifest.js';
import { contentTypeOf, openPackage, parsePartXml, readRelationships, resolveTarget, type OpcPackage, type Relationship } from './opc.js';
import { ZipError, type ZipLimits } from './zip.js';

export type OfficeKind = 'docx' | 'xlsx' | 'pptx';

export interface OfficeDescription {
  size: number;
  sha256Hex: string;
  kind: OfficeKind;
  /** The main part's content type says macros (docm/xlsm/pptm) or the package holds a VBA project. */
  macros: boolean;
  existingSignatures: number;
  /** .docx: the first non-empty paragraphs (shortened), for the confirmation dialog. */
  preview?: string[];
}

export interface OfficeReadOptions {
  fileName: string;
  allowMacros: boolean;
  limits?: ZipLimits;
}

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const OFFICE_DOCUMENT = /\/relationships\/officeDocument$/;
const ORIGIN = /\/relationships\/digital-signature\/origin$/;
const SIGNATURE = /\/relationships\/digital-signature\/signature$/;
const MACRO_EXTENSIONS = new Set(['docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'pptm', 'potm', 'ppsm', 'ppam']);
const KIND_BY_EXTENSION: Record<string, OfficeKind> = {
  docx: 'docx', docm: 'docx', dotx: 'docx', dotm: 'docx',
  xlsx: 'xlsx', xlsm: 'xlsx', xltx: 'xlsx', xltm: 'xlsx',
  pptx: 'pptx', pptm: 'pptx', ppsx: 'pptx', ppsm: 'pptx', potx: 'pptx', potm: 'pptx',
};

export const officeInvalid = (detail: string): AgentError =>
  new AgentError('DOCUMENT_INVALID', 'Tệp Office không hợp lệ hoặc không được phép ký / Invalid or disallowed Office file', { detail });

function kindOfContentType(type: string): OfficeKind | null {
  if (/wordprocessingml\.(document|template)|ms-word\.(document|template)/i.test(type)) return 'docx';
  if (/spreadsheetml\.(sheet|template)|ms-excel\.(sheet|template|addin)/i.test(type)) return 'xlsx';
  if (/presentationml\.(presentation|slideshow|template)|ms-powerpoint\.(presentation|slideshow|template|addin)/i.test(type)) return 'pptx';
  return null;
}

export interface OpenedOffice {
  pkg: OpcPackage;
  rootRels: { rels: Relationship[]; text: string };
  main: string;
  description: OfficeDescription;
}

/** Opens and checks a package; every refusal is DOCUMENT_INVALID with a Vietnamese and English detail. */
export function openOffice(bytes: Uint8Array, options: OfficeReadOptions): OpenedOffice {
  if (bytes.length >= 8 && CFB_MAGIC.every((b, i) => bytes[i] === b)) {
    throw officeInvalid('tệp được mã hoá bằng mật khẩu hoặc là định dạng Office cũ (OLE/CFB); hãy gỡ mật khẩu rồi ký / password-protected (encrypted) or legacy binary Office file');
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(options.fileName)?.[1]?.toLowerCase() ?? '';
  const extKind = KIND_BY_EXTENSION[ext];
  if (!extKind) throw officeInvalid(`chỉ ký được tệp .docx, .xlsx, .pptx (tệp "${options.fileName.slice(0, 80)}") / only .docx, .xlsx and .pptx files can be signed`);
  try {
    const pkg = openPackage(bytes, options.limits);
    const relsEntry = pkg.byName.get('_rels/.rels');
    if (!relsEntry) throw new ZipError('no package relationships (_rels/.rels)');
    const rootRels = readRelationships(relsEntry);
    const officeRel = rootRels.rels.find((r) => OFFICE_DOCUMENT.test(r.type) && !r.external);
    const main = officeRel ? resolveTarget('', officeRel.target) : null;
    const mainType = main ? contentTypeOf(pkg, main) : undefined;
    if (!main || !pkg.byName.has(main.toLowerCase()) || !mainType) throw new ZipError('no main document part');
    const kind = kindOfContentType(mainType);
    if (!kind) throw new ZipError(`main part type ${mainType.slice(0, 100)} is not a Word, Excel or PowerPoint document`);
    if (kind !== extKind) throw new ZipError(`the file name says .${ext} but the content is a ${kind} document`);
    const macros = MACRO_EXTENSIONS.has(ext) || /macroEnabled|vbaProject|ms-office\.activeX/i.test(mainType)
      || pkg.entries.some((e) => /(^|\/)vbaProject\.bin$|(^|\/)vbaData\.xml$/i.test(e.name) || /vbaProject|macroEnabled/i.test(contentTypeOf(pkg, e.name) ?? ''));
    if (macros && !options.allowMacros) {
      throw officeInvalid('tệp có macro (VBA) — chính sách không cho phép ký tệp chứa macro (office.allowMacros) / macro-enabled files are refused by policy');
    }
    const description: OfficeDescription = {
      size: bytes.length,
      sha256Hex: createHash('sha256').update(bytes).digest('hex'),
      kind,
      macros,
      existingSignatures: countSignatures(pkg, rootRels.rels),
    };
    // What the signature would cover must be workable now, not after the user approved (no digests yet).
    buildManifest(pkg, null);
    if (kind === 'docx') description.preview = docxPreview(pkg, main);
    return { pkg, rootRels, main, description };
  } catch (e) {
    if (e instanceof ZipError) throw officeInvalid(`gói Office bị hỏng hoặc vượt giới hạn / malformed or oversized package: ${e.message}`);
    throw e;
  }
}

/** Signature parts reachable from the origin part. */
export function signatureParts(pkg: OpcPackage, rootRels: Relationship[]): { origin: string | null; parts: string[] } {
  const originRel = rootRels.find((r) => ORIGIN.test(r.type) && !r.external);
  const origin = originRel ? resolveTarget('', originRel.target) : null;
  if (!origin) return { origin: null, parts: [] };
  const slash = origin.lastIndexOf('/');
  const originRels = pkg.byName.get(`${origin.slice(0, slash + 1)}_rels/${origin.slice(slash + 1)}.rels`.toLowerCase());
  if (!originRels) return { origin, parts: [] };
  const parts = readRelationships(originRels).rels
    .filter((r) => SIGNATURE.test(r.type) && !r.external)
    .map((r) => resolveTarget(origin, r.target))
    .filter((p): p is string => p !== null && pkg.byName.has(p.toLowerCase()));
  return { origin, parts };
}

function countSignatures(pkg: OpcPackage, rootRels: Relationship[]): number {
  return signatureParts(pkg, rootRels).parts.length;
}

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** The first five non-empty paragraphs of the main document, each cut at 160 characters. */
function docxPreview(pkg: OpcPackage, main: string): string[] {
  const entry = pkg.byName.get(main.toLowerCase());
  if (!entry) return [];
  const { doc } = parsePartXml(entry);
  const body = elementChildren(doc.root).find((e) => e.localName === 'body');
  const lines: string[] = [];
  for (const p of body ? descendants(body) : []) {
    if (p.namespaceURI !== W_NS || p.localName !== 'p') continue;
    // Control and bidi-override characters could disguise what the dialog shows: dropped.
    const text = descendants(p).filter((t) => t.namespaceURI === W_NS && t.localName === 't').map(textContent).join('')
      .replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, ' ').replace(/\s+/g, ' ').trim();
    if (!text) continue;
    lines.push(text.length > 160 ? `${text.slice(0, 159)}…` : text);
    if (lines.length === 5) break;
  }
  return lines;
}
