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
const EMPTY: NsMap = new Map();

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
  const out: string[] = [];
  if (node.type === DOCUMENT) {
    let beforeRoot = true;
    for (const c of node.children) {
      if (c === options.exclude) continue;
      if (c.type === ELEMENT) {
        renderElement(c, EMPTY, EMPTY, true, options, out);
        beforeRoot = false;
      } else if (c.type === PI || (c.type === COMMENT && options.withComments)) {
        const text = c.type === PI ? renderPi(c) : `<!--${c.data}-->`;
        out.push(beforeRoot ? `${text}\n` : `\n${text}`);
      }
    }
  } else {
    const parent = node.parent && node.parent.type === ELEMENT ? node.parent : null;
    renderElement(node, parent ? inScope(parent) : EMPTY, EMPTY, true, options, out);
  }
  return out.join('');
}

/**
 * @param parentScope namespaces in scope at the parent (declarations of all ancestors, in or out of the node-set)
 * @param rendered namespaces as the nearest output ancestor left them in the canonical text
 */
function renderElement(el: XElement, parentScope: NsMap, rendered: NsMap, apex: boolean, o: C14nOptions, out: string[]): void {
  let scope = parentScope;
  let plainCount = 0;
  for (const a of el.attrs) {
    if (a.isNs) {
      if (scope === parentScope) scope = new Map(parentScope);
      scope.set(declPrefix(a), a.value);
    } else plainCount++;
  }

  const nsOut: [string, string][] = [];
  if (o.exclusive) {
    // Only visibly utilised prefixes, when the output ancestor did not already render the same value.
    const check = (p: string, uri: string): void => {
      if ((rendered.get(p) ?? '') !== uri && !nsOut.some((n) => n[0] === p)) nsOut.push([p, uri]);
    };
    check(el.prefix, el.prefix === '' ? el.namespaceURI : (scope.get(el.prefix) ?? ''));
    for (const a of el.attrs) if (!a.isNs && a.prefix && a.prefix !== 'xml') check(a.prefix, scope.get(a.prefix) ?? '');
  } else if (apex || scope !== parentScope) {
    // Every in-scope namespace not already rendered with the same value; xmlns="" only to undo a default.
    for (const [p, uri] of scope) {
      if (p === 'xml' || (uri === '' && p !== '')) continue;
      if ((rendered.get(p) ?? '') !== uri) nsOut.push([p, uri]);
    }
  }
  let childRendered = o.exclusive ? rendered : scope;
  if (o.exclusive && nsOut.length) {
    childRendered = new Map(rendered);
    for (const [p, uri] of nsOut) childRendered.set(p, uri);
  }
  if (nsOut.length > 1) nsOut.sort((a, b) => cmp(a[0], b[0]));

  let plain = plainCount ? el.attrs.filter((a) => !a.isNs) : [];
  if (apex && !o.exclusive) {
    // Inclusive C14N of a subset: the apex inherits xml:* attributes of its ancestors (C14N 1.0 §2.4).
    const have = new Set(plain.filter((a) => a.namespaceURI === XML_NS).map((a) => a.localName));
    for (let p = el.parent; p && p.type === ELEMENT; p = p.parent) {
      for (const a of p.attrs) {
        if (!a.isNs && a.namespaceURI === XML_NS && !have.has(a.localName)) {
          have.add(a.localName);
          plain = [...plain, a];
        }
      }
    }
  }
  if (plain.length > 1) plain.sort((a, b) => cmp(a.namespaceURI, b.namespaceURI) || cmp(a.localName, b.localName));

  let tag = `<${el.name}`;
  for (const [p, uri] of nsOut) tag += p === '' ? ` xmlns="${escapeAttr(uri)}"` : ` xmlns:${p}="${escapeAttr(uri)}"`;
  for (const a of plain) tag += ` ${a.name}="${escapeAttr(a.value)}"`;
  out.push(`${tag}>`);
  for (const c of el.children) {
    if (c === o.exclude) continue;
    switch (c.type) {
      case ELEMENT:
        renderElement(c, scope, childRendered, false, o, out);
        break;
      case TEXT:
        out.push(escapeText(c.data));
        break;
      case COMMENT:
        if (o.withComments) out.push(`<!--${c.data}-->`);
        break;
      case PI:
        out.push(renderPi(c));
        break;
    }
  }
  out.push(`</${el.name}>`);
}
