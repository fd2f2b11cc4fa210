// Canonical XML 1.0 (inclusive, with/without comments) and Exclusive C14N 1.0 for the node-sets XMLDSig
// same-document references produce: a whole document or one element subtree, minus an excluded subtree.
import { COMMENT, DOCUMENT, ELEMENT, PI, TEXT, inScope, type XAttr, type XDocument, type XElement, type XNode, type XPi } from './tree.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface C14nOptions {
  exclusive: boolean;
  withComments: boolean;
  /** A subtree left out of the node-set (the enveloped-signature transform). */
  exclude?: XNode | null;
}

/** Namespace URIs by prefix ('' = default namespace). */
type NsMap = Map<string, string>;
/** What to put back after a subtree: each prefix changed and the value it had (undefined = absent). */
type Undo = Array<[string, string | undefined]>;

/**
 * One walk's state. The maps are changed in place on the way down and restored on the way up, so an element's
 * declarations cost O(their number) whatever is in scope: copying the scope per declaring element was quadratic.
 */
interface Walk {
  o: C14nOptions;
  /** The canonical text so far (appending to one string is cheaper than an array of pieces joined at the end). */
  out: string;
  /** Namespaces in scope at the current element (declarations of all ancestors, in or out of the node-set). */
  scope: NsMap;
  /** Exclusive C14N: namespaces as the nearest output ancestor left them in the canonical text. */
  rendered: NsMap;
}

function escapeText(s: string): string {
  if (!/[&<>\r]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

function escapeAttr(s: string): string {
  if (!/[&<"\t\n\r]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
}

const declPrefix = (a: XAttr): string => (a.prefix === 'xmlns' ? a.localName : '');
const renderPi = (pi: XPi): string => (pi.data ? `<?${pi.target} ${pi.data}?>` : `<?${pi.target}?>`);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Canonicalises `node` (a document, or an element as the apex of its subtree). Comments are rendered only with
 * `withComments`; XMLDSig "" and bare-name references never include them, whatever the transform says.
 */
export function canonicalize(node: XDocument | XElement, options: C14nOptions): string {
  if (node.type === DOCUMENT) {
    const w: Walk = { o: options, out: '', scope: new Map(), rendered: new Map() };
    let beforeRoot = true;
    for (const c of node.children) {
      if (c === options.exclude) continue;
      if (c.type === ELEMENT) {
        renderElement(c, true, w);
        beforeRoot = false;
      } else if (c.type === PI || (c.type === COMMENT && options.withComments)) {
        const text = c.type === PI ? renderPi(c) : `<!--${c.data}-->`;
        w.out += beforeRoot ? `${text}\n` : `\n${text}`;
      }
    }
    return w.out;
  }
  const parent = node.parent && node.parent.type === ELEMENT ? node.parent : null;
  const w: Walk = { o: options, out: '', scope: parent ? inScope(parent) : new Map(), rendered: new Map() };
  renderElement(node, true, w);
  return w.out;
}

function restore(map: NsMap, undo: Undo | null): void {
  if (!undo) return;
  for (let i = undo.length - 1; i >= 0; i--) {
    const [p, old] = undo[i] as [string, string | undefined];
    if (old === undefined) map.delete(p);
    else map.set(p, old);
  }
}

/** Renders `el` and its subtree; `w.scope` holds the parent's namespaces on entry and again on return. */
function renderElement(el: XElement, apex: boolean, w: Walk): void {
  const { o, scope, rendered } = w;
  // The common element: no attributes or declarations, nothing to render for namespaces (inclusive: not the apex;
  // exclusive: unprefixed, in the default namespace the output ancestor rendered).
  if (!apex && el.attrs.length === 0 && (!o.exclusive || (el.prefix === '' && (rendered.get('') ?? '') === el.namespaceURI))) {
    w.out += `<${el.name}>`;
    renderChildren(el, w);
    w.out += `</${el.name}>`;
    return;
  }
  const nsOut: [string, string][] = [];
  let scopeUndo: Undo | null = null;
  let plainCount = 0;
  for (const a of el.attrs) {
    if (!a.isNs) {
      plainCount++;
      continue;
    }
    const p = declPrefix(a);
    const before = scope.get(p);
    // Inclusive, below the apex: the parent is the nearest output ancestor and rendered exactly its scope, so only
    // this element's own declarations can differ from it; xmlns="" only to undo a default.
    if (!o.exclusive && !apex && p !== 'xml' && !(a.value === '' && p !== '') && (before ?? '') !== a.value) nsOut.push([p, a.value]);
    (scopeUndo ??= []).push([p, before]);
    scope.set(p, a.value);
  }

  let renderedUndo: Undo | null = null;
  if (o.exclusive) {
    // Only visibly utilised prefixes, when the output ancestor did not already render the same value. A prefix
    // resolves to one URI on an element, so the first check of a prefix decides.
    const seen = new Set<string>();
    const check = (p: string, uri: string): void => {
      if (seen.has(p)) return;
      seen.add(p);
      if ((rendered.get(p) ?? '') !== uri) nsOut.push([p, uri]);
    };
    check(el.prefix, el.prefix === '' ? el.namespaceURI : (scope.get(el.prefix) ?? ''));
    for (const a of el.attrs) if (!a.isNs && a.prefix && a.prefix !== 'xml') check(a.prefix, scope.get(a.prefix) ?? '');
    for (const [p, uri] of nsOut) {
      (renderedUndo ??= []).push([p, rendered.get(p)]);
      rendered.set(p, uri);
    }
  } else if (apex) {
    // The apex renders every in-scope namespace (nothing was rendered above it), but never xmlns="".
    for (const [p, uri] of scope) {
      if (p === 'xml' || uri === '') continue;
      nsOut.push([p, uri]);
    }
  }
  if (nsOut.length > 1) nsOut.sort((a, b) => cmp(a[0], b[0]));

  const plain = plainCount ? el.attrs.filter((a) => !a.isNs) : [];
  if (apex && !o.exclusive) {
    // Inclusive C14N of a subset: the apex inherits xml:* attributes of its ancestors (C14N 1.0 §2.4).
    const have = new Set(plain.filter((a) => a.namespaceURI === XML_NS).map((a) => a.localName));
    for (let p = el.parent; p && p.type === ELEMENT; p = p.parent) {
      for (const a of p.attrs) {
        if (!a.isNs && a.namespaceURI === XML_NS && !have.has(a.localName)) {
          have.add(a.localName);
          plain.push(a);
        }
      }
    }
  }
  if (plain.length > 1) plain.sort((a, b) => cmp(a.namespaceURI, b.namespaceURI) || cmp(a.localName, b.localName));

  let tag = `<${el.name}`;
  for (const [p, uri] of nsOut) tag += p === '' ? ` xmlns="${escapeAttr(uri)}"` : ` xmlns:${p}="${escapeAttr(uri)}"`;
  for (const a of plain) tag += ` ${a.name}="${escapeAttr(a.value)}"`;
  w.out += `${tag}>`;
  renderChildren(el, w);
  w.out += `</${el.name}>`;
  restore(scope, scopeUndo);
  restore(rendered, renderedUndo);
}

function renderChildren(el: XElement, w: Walk): void {
  const { o } = w;
  for (const c of el.children) {
    if (c === o.exclude) continue;
    switch (c.type) {
      case ELEMENT:
        renderElement(c, false, w);
        break;
      case TEXT:
        w.out += escapeText(c.data);
        break;
      case COMMENT:
        if (o.withComments) w.out += `<!--${c.data}-->`;
        break;
      case PI:
        w.out += renderPi(c);
        break;
    }
  }
}
