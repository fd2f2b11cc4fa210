// The small document tree XMLDSig works on: elements with resolved namespaces and source offsets, so a signed
// document is the input text with the Signature spliced in (nothing else re-serialised).

export const ELEMENT = 1, TEXT = 3, PI = 7, COMMENT = 8, DOCUMENT = 9;

export interface XAttr {
  /** Qualified name as written. */
  name: string;
  prefix: string;
  localName: string;
  /** '' when the attribute has no namespace. */
  namespaceURI: string;
  /** Normalised value (entities decoded, whitespace normalised as XML 1.0 §3.3.3 requires). */
  value: string;
  /** A namespace declaration (xmlns / xmlns:p). */
  isNs: boolean;
}

export interface XText { type: typeof TEXT; data: string; parent: XParent }
export interface XComment { type: typeof COMMENT; data: string; parent: XParent }
export interface XPi { type: typeof PI; target: string; data: string; parent: XParent }

export interface XElement {
  type: typeof ELEMENT;
  name: string;
  prefix: string;
  localName: string;
  namespaceURI: string;
  attrs: XAttr[];
  children: XNode[];
  parent: XParent;
  /** Source offsets: '<' of the start tag, after its '>', '<' of the end tag (= openEnd when self-closing), after the end. */
  src?: { start: number; openEnd: number; closeStart: number; end: number; selfClosing: boolean };
}

export interface XDocument { type: typeof DOCUMENT; children: XNode[]; root: XElement; text: string }

export type XNode = XElement | XText | XComment | XPi;
export type XParent = XElement | XDocument | null;

/** The value of an attribute without namespace, or null. */
export function attr(el: XElement, name: string): string | null {
  for (const a of el.attrs) if (!a.isNs && a.name === name) return a.value;
  return null;
}

export function elementChildren(el: XElement | XDocument): XElement[] {
  return el.children.filter((c): c is XElement => c.type === ELEMENT);
}

/** All descendant elements in document order. */
export function descendants(root: XElement | XDocument, out: XElement[] = []): XElement[] {
  for (const c of root.children) {
    if (c.type === ELEMENT) {
      out.push(c);
      descendants(c, out);
    }
  }
  return out;
}

/** Namespace declarations in scope at `el` (prefix '' = default), ancestors first, nearest wins. */
export function inScope(el: XElement | null): Map<string, string> {
  const chain: XElement[] = [];
  for (let n: XParent = el; n && n.type === ELEMENT; n = n.parent) chain.push(n);
  const map = new Map<string, string>();
  for (const e of chain.reverse()) for (const a of e.attrs) if (a.isNs) map.set(a.prefix === 'xmlns' ? a.localName : '', a.value);
  return map;
}

/** Text content of an element (descendant text concatenated). */
export function textContent(el: XElement): string {
  let s = '';
  for (const c of el.children) {
    if (c.type === TEXT) s += c.data;
    else if (c.type === ELEMENT) s += textContent(c);
  }
  return s;
}

/** Makes a new element (not from source) in `namespaceURI`, unprefixed. */
export function newElement(name: string, namespaceURI: string, attrs: Record<string, string> = {}, children: (XElement | string)[] = []): XElement {
  const el: XElement = { type: ELEMENT, name, prefix: '', localName: name, namespaceURI, attrs: [], children: [], parent: null };
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'xmlns') el.attrs.push({ name: k, prefix: '', localName: 'xmlns', namespaceURI: 'http://www.w3.org/2000/xmlns/', value: v, isNs: true });
    else el.attrs.push({ name: k, prefix: '', localName: k, namespaceURI: '', value: v, isNs: false });
  }
  for (const c of children) append(el, typeof c === 'string' ? { type: TEXT, data: c, parent: null } : c);
  return el;
}

export function append(parent: XElement, child: XNode, before?: XNode | null): void {
  child.parent = parent;
  const i = before ? parent.children.indexOf(before) : -1;
  if (i === -1) parent.children.push(child);
  else parent.children.splice(i, 0, child);
}

const escText = (s: string): string => (!/[&<>]/.test(s) ? s : s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
const escAttr = (s: string): string => (!/[&<"]/.test(s) ? s : s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;'));

/** Serialises an element we built (Signature, created containers): plain names, no comments. */
export function serialize(el: XElement): string {
  let s = `<${el.name}`;
  for (const a of el.attrs) s += ` ${a.name}="${escAttr(a.value)}"`;
  if (el.children.length === 0) return `${s}/>`;
  s += '>';
  for (const c of el.children) s += c.type === ELEMENT ? serialize(c) : c.type === TEXT ? escText(c.data) : '';
  return `${s}</${el.name}>`;
}

/**
 * serialize(el) cut where `hole` (a descendant of `el`, or `el` itself) would be: [markup before, markup after].
 * Used to splice a subtree whose content is not known yet.
 */
export function serializeAround(el: XElement, hole: XElement): [string, string] {
  if (el === hole) return ['', ''];
  const path = new Set<XElement>();
  for (let n: XParent = hole; n && n.type === ELEMENT && n !== el; n = n.parent) path.add(n);
  let before = `<${el.name}`;
  for (const a of el.attrs) before += ` ${a.name}="${escAttr(a.value)}"`;
  before += '>';
  let after = '';
  let passed = false;
  for (const c of el.children) {
    if (c.type === ELEMENT && path.has(c)) {
      const [b, a] = serializeAround(c, hole);
      before += b;
      after += a;
      passed = true;
    } else {
      const markup = c.type === ELEMENT ? serialize(c) : c.type === TEXT ? escText(c.data) : '';
      if (passed) after += markup;
      else before += markup;
    }
  }
  return [before, `${after}</${el.name}>`];
}
