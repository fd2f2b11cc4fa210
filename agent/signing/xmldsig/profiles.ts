// Where each XML profile signs and puts the Signature: generic enveloped, Vietnamese e-invoice, HTKK tax declaration.
import { AgentError } from '../../core/errors.js';
import type { XmlSignOptions } from '../../core/ports.js';
import { append, attr, descendants, elementChildren, inScope, newElement, textContent, type XDocument, type XElement } from './tree.js';

/** Attributes accepted as element identifiers (bare-name XPointer targets). */
export const ID_ATTRIBUTES = ['Id', 'ID', 'id'] as const;

const invalid = (detail: string): AgentError => new AgentError('DOCUMENT_INVALID', 'Tài liệu XML không hợp lệ / Invalid XML document', { detail });

/** What a profile decided: the element to reference (null = whole document, URI ""), and where Signature goes. */
export interface Placement {
  target: { element: XElement; id: string } | null;
  parent: XElement;
  /** Default Signature Id of the profile (e-invoice: "seller"). */
  defaultSignatureId?: string;
  /** The profile adds a signed SigningTime object (e-invoice). */
  signingTimeObject: boolean;
  /** A parsed placeholder child of `parent` the Signature replaces (tax: an empty Signature in CKyDTu). */
  replace?: XElement;
}

export function idOf(el: XElement): string | null {
  for (const name of ID_ATTRIBUTES) {
    const v = attr(el, name);
    if (v) return v;
  }
  return null;
}

/** The one element whose Id/ID/id equals `id`; none or several → DOCUMENT_INVALID (several = wrapping risk). */
export function findById(doc: XDocument, id: string): XElement {
  const found = [doc.root, ...descendants(doc.root)].filter((e) => ID_ATTRIBUTES.some((n) => attr(e, n) === id));
  if (found.length === 0) throw invalid(`no element has Id "${id}"`);
  if (found.length > 1) throw invalid(`several elements have Id "${id}"`);
  return found[0] as XElement;
}

/** The document element if it has this name, else the single descendant of that name. */
function single(doc: XDocument, name: string): XElement {
  if (doc.root.localName === name) return doc.root;
  const found = descendants(doc.root).filter((e) => e.localName === name);
  if (found.length !== 1) throw invalid(found.length ? `several <${name}> elements` : `no <${name}> element`);
  return found[0] as XElement;
}

const child = (parent: XElement, name: string): XElement | null => elementChildren(parent).find((e) => e.localName === name) ?? null;

/** The named child, created (unprefixed, in the parent's default namespace) when absent; `first` puts it first. */
function ensureChild(parent: XElement, name: string, first = false): XElement {
  const existing = child(parent, name);
  if (existing) return existing;
  const created = newElement(name, inScope(parent).get('') ?? '');
  append(parent, created, first ? parent.children[0] : null);
  return created;
}

/**
 * HTKK exports may carry an empty `<Signature/>` (or one with an empty SignatureValue) in CKyDTu as a placeholder:
 * ours takes its place, since verifiers take the first Signature. Real signatures stay.
 */
function emptySignature(parent: XElement): XElement | undefined {
  return elementChildren(parent).find((e) => e.localName === 'Signature' && e.src
    && descendants(e).filter((d) => d.localName === 'SignatureValue').every((v) => textContent(v).trim() === ''));
}

/** Resolves the profile of `options` on `doc`, creating the e-invoice DSCKS/NBan or tax CKyDTu when absent. */
export function placeSignature(doc: XDocument, options: XmlSignOptions): Placement {
  switch (options.profile) {
    case 'enveloped': {
      const id = options.reference?.id;
      const target = id ? { element: findById(doc, id), id } : null;
      let parent = doc.root;
      const name = options.signatureParent;
      if (name && parent.name !== name && parent.localName !== name) {
        const found = descendants(doc.root).filter((e) => e.name === name || e.localName === name);
        if (found.length !== 1) throw invalid(found.length ? `several <${name}> elements for the signature` : `no <${name}> element for the signature`);
        parent = found[0] as XElement;
      }
      return { target, parent, signingTimeObject: false };
    }
    case 'einvoice': {
      const hdon = single(doc, 'HDon');
      const dl = child(hdon, 'DLHDon');
      if (!dl) throw invalid('<HDon> has no <DLHDon>');
      const id = idOf(dl);
      if (!id) throw invalid('<DLHDon> has no Id attribute');
      findById(doc, id);
      const nban = ensureChild(ensureChild(hdon, 'DSCKS'), 'NBan', true);
      return { target: { element: dl, id }, parent: nban, defaultSignatureId: 'seller', signingTimeObject: true };
    }
    case 'tax': {
      const root = single(doc, 'HSoThueDTu');
      const decl = child(root, 'HSoKhaiThue');
      if (!decl) throw invalid('<HSoThueDTu> has no <HSoKhaiThue>');
      const id = attr(decl, 'id') || idOf(decl);
      if (!id) throw invalid('<HSoKhaiThue> has no id attribute');
      findById(doc, id);
      const cky = ensureChild(root, 'CKyDTu');
      const placeholder = emptySignature(cky);
      return { target: { element: decl, id }, parent: cky, signingTimeObject: false, ...(placeholder ? { replace: placeholder } : {}) };
    }
    default:
      throw new AgentError('INVALID_PARAMS', 'Unknown XML profile', { detail: `profile ${String((options as { profile: unknown }).profile)}` });
  }
}
