// A strict, non-validating XML 1.0 + Namespaces parser for documents to sign: no DTD, no external anything, only the
// five predefined entities and character references; every well-formedness error is fatal. Keeps source offsets.
import { COMMENT, DOCUMENT, ELEMENT, PI, TEXT, type XAttr, type XDocument, type XElement, type XNode } from './tree.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** A well-formedness error; the message is safe to show (no document content beyond a name). */
export class XmlSyntaxError extends Error {}

/**
 * Nesting depth refused beyond this: every tree walk (c14n, serialisation, verification) recurses once per level,
 * so a depth bomb must fail here, cleanly, rather than as a stack overflow later. Real documents nest < 30 deep.
 */
export const MAX_DEPTH = 1000;
/** Attributes (namespace declarations included) refused beyond this on one element. */
export const MAX_ATTRIBUTES = 1000;
/**
 * Nodes (elements, texts, comments, PIs) and attributes in one document (docs/security.md T23). Each node costs ~240 bytes
 * of tree, so 64 MiB of `<a/>` (16 million elements) would need ~4 GB; at these bounds the tree stays under
 * ~100 MiB (docs/security.md memory budget). Real invoices and declarations have a few thousand nodes.
 */
export const MAX_NODES = 200_000;
export const MAX_TOTAL_ATTRIBUTES = 500_000;
/** Attribute count from which duplicate names are checked with a Set instead of a scan of the few before. */
const SET_FROM = 8;

const START = 'A-Za-z_:\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\uD800-\\uDBFF';
// eslint-disable-next-line no-misleading-character-class -- ranges of the XML Name production, not combined characters
const NAME = new RegExp(`[${START}][${START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040\\uDC00-\\uDFFF]*`, 'y');
// eslint-disable-next-line no-control-regex -- these are exactly the control characters XML 1.0 forbids
const INVALID_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function validCodePoint(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/** Parses `s` (already decoded) into a tree. Throws XmlSyntaxError on any well-formedness or namespace error. */
export function parseXmlText(s: string): XDocument {
  const bad = INVALID_CHAR.exec(s);
  if (bad) throw new XmlSyntaxError(`character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`);
  const line = (pos: number): number => {
    let n = 1;
    for (let i = s.indexOf('\n'); i !== -1 && i < pos; i = s.indexOf('\n', i + 1)) n++;
    return n;
  };
  const fail = (msg: string, pos: number): never => {
    throw new XmlSyntaxError(`${msg} (line ${line(pos)})`);
  };

  function decodeRefs(raw: string, at: number): string {
    if (!raw.includes('&')) return raw;
    let out = '';
    let i = 0;
    for (;;) {
      const j = raw.indexOf('&', i);
      if (j === -1) return out + raw.slice(i);
      out += raw.slice(i, j);
      const k = raw.indexOf(';', j);
      if (k === -1) fail('"&" not followed by a reference', at);
      const ref = raw.slice(j + 1, k);
      if (ref.startsWith('#')) {
        const hex = ref[1] === 'x';
        const digits = ref.slice(hex ? 2 : 1);
        if (!(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) fail(`bad character reference &${ref};`, at);
        const code = parseInt(digits, hex ? 16 : 10);
        if (!validCodePoint(code)) fail(`character reference &${ref}; is not an XML character`, at);
        out += String.fromCodePoint(code);
      } else {
        const v = PREDEFINED[ref];
        if (v === undefined) fail(`entity not found: &${ref.slice(0, 40)};`, at);
        out += v;
      }
      i = k + 1;
    }
  }

  const doc: XDocument = { type: DOCUMENT, children: [], root: undefined as unknown as XElement, text: s };
  const stack: XElement[] = [];
  // Namespaces in scope: one map changed in place, with an undo log per open element (what each of its
  // declarations shadowed), so a declaration costs O(1) however many are in scope: no copy per element.
  const scope = new Map<string, string>([['xml', XML_NS]]);
  const undo: (Array<[string, string | undefined]> | null)[] = [];
  const restore = (log: Array<[string, string | undefined]> | null | undefined): void => {
    if (!log) return;
    for (let i = log.length - 1; i >= 0; i--) {
      const [p, old] = log[i] as [string, string | undefined];
      if (old === undefined) scope.delete(p);
      else scope.set(p, old);
    }
  };
  let pos = 0;
  let nodes = 0;
  let totalAttrs = 0;
  const countNode = (at: number): void => {
    if (++nodes > MAX_NODES) fail(`more than ${MAX_NODES} nodes`, at);
  };

  const readName = (): string => {
    // ASCII names (almost all of them) without the regex; anything else goes through the full Name production.
    let i = pos;
    let c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a) {
      for (i++; i < s.length; i++) {
        c = s.charCodeAt(i);
        if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x3a) || c === 0x5f || c === 0x2d || c === 0x2e)) break;
      }
      if (c < 0x80 || i >= s.length) {
        const name = s.slice(pos, i);
        pos = i;
        return name;
      }
    }
    NAME.lastIndex = pos;
    const m = NAME.exec(s);
    if (!m) fail('name expected', pos);
    pos += (m as RegExpExecArray)[0].length;
    return (m as RegExpExecArray)[0];
  };
  const skipWs = (): boolean => {
    const from = pos;
    while (pos < s.length) {
      const c = s.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) pos++;
      else break;
    }
    return pos > from;
  };
  const parent = (): XElement | XDocument => stack[stack.length - 1] ?? doc;
  const pushText = (data: string): void => {
    if (data === '') return;
    const p = stack[stack.length - 1] as XElement;
    const last = p.children[p.children.length - 1];
    if (last && last.type === TEXT) last.data += data;
    else {
      countNode(pos);
      p.children.push({ type: TEXT, data, parent: p });
    }
  };
  const split = (qname: string, at: number): [string, string] => {
    const i = qname.indexOf(':');
    if (i === -1) return ['', qname];
    if (i === 0 || i === qname.length - 1 || qname.indexOf(':', i + 1) !== -1) fail(`bad qualified name ${qname}`, at);
    return [qname.slice(0, i), qname.slice(i + 1)];
  };

  if (/^<\?xml[ \t\r\n]/.test(s)) {
    const end = s.indexOf('?>');
    if (end === -1 || !/version\s*=/.test(s.slice(0, end))) fail('bad XML declaration', 0);
    pos = end + 2;
  }

  while (pos < s.length) {
    const lt = s.indexOf('<', pos);
    const textEnd = lt === -1 ? s.length : lt;
    if (textEnd > pos) {
      const raw = s.slice(pos, textEnd);
      if (stack.length === 0) {
        if (!/^[ \t\r\n]*$/.test(raw)) fail('text outside the root element', pos);
      } else {
        if (raw.includes(']]>')) fail('"]]>" in text', pos);
        pushText(decodeRefs(raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw, pos));
      }
    }
    if (lt === -1) break;
    pos = lt;
    const c = s[pos + 1];
    if (c === '/') {
      pos += 2;
      const name = readName();
      skipWs();
      if (s[pos] !== '>') fail('">" expected', pos);
      pos++;
      const top = stack.pop();
      restore(undo.pop());
      if (!top || top.name !== name) fail(`end tag </${name}> does not match`, lt);
      const src = (top as XElement).src!;
      src.closeStart = lt;
      src.end = pos;
    } else if (s.startsWith('<!--', pos)) {
      const end = s.indexOf('-->', pos + 4);
      if (end === -1) fail('unterminated comment', pos);
      const data = s.slice(pos + 4, end);
      if (data.includes('--') || data.endsWith('-')) fail('"--" inside a comment', pos);
      countNode(pos);
      const p = parent();
      p.children.push({ type: COMMENT, data: data.replace(/\r\n?/g, '\n'), parent: p });
      pos = end + 3;
    } else if (s.startsWith('<![CDATA[', pos)) {
      if (stack.length === 0) fail('CDATA outside the root element', pos);
      const end = s.indexOf(']]>', pos + 9);
      if (end === -1) fail('unterminated CDATA section', pos);
      pushText(s.slice(pos + 9, end).replace(/\r\n?/g, '\n'));
      pos = end + 3;
    } else if (c === '?') {
      pos += 2;
      const target = readName();
      if (target.toLowerCase() === 'xml') fail('XML declaration not at the start of the document', lt);
      let data = '';
      if (!s.startsWith('?>', pos)) {
        if (!skipWs()) fail('whitespace expected after the PI target', pos);
        const end = s.indexOf('?>', pos);
        if (end === -1) fail('unterminated processing instruction', lt);
        data = s.slice(pos, end).replace(/\r\n?/g, '\n');
        pos = end;
      }
      pos += 2;
      countNode(lt);
      const p = parent();
      p.children.push({ type: PI, target, data, parent: p });
    } else if (c === '!') {
      fail('markup declarations (DOCTYPE, ENTITY…) are not allowed', pos);
    } else {
      pos++;
      const name = readName();
      if (stack.length >= MAX_DEPTH) fail(`elements nested more than ${MAX_DEPTH} deep`, lt);
      countNode(lt);
      const attrs: XAttr[] = [];
      let names: Set<string> | null = null;
      let hasNs = false;
      let prefixed = 0;
      let selfClosing = false;
      for (;;) {
        const ws = skipWs();
        if (s[pos] === '>') {
          pos++;
          break;
        }
        if (s.startsWith('/>', pos)) {
          pos += 2;
          selfClosing = true;
          break;
        }
        if (pos >= s.length) fail(`unterminated start tag <${name}>`, lt);
        if (!ws) fail('whitespace expected between attributes', pos);
        if (attrs.length >= MAX_ATTRIBUTES) fail(`element <${name}> has more than ${MAX_ATTRIBUTES} attributes`, lt);
        if (++totalAttrs > MAX_TOTAL_ATTRIBUTES) fail(`more than ${MAX_TOTAL_ATTRIBUTES} attributes in the document`, pos);
        const aname = readName();
        skipWs();
        if (s[pos] !== '=') fail(`"=" expected after attribute ${aname}`, pos);
        pos++;
        skipWs();
        const q = s[pos];
        if (q !== '"' && q !== "'") fail(`quoted value expected for attribute ${aname}`, pos);
        const end = s.indexOf(q as string, pos + 1);
        if (end === -1) fail(`unterminated value of attribute ${aname}`, pos);
        const raw = s.slice(pos + 1, end);
        if (raw.includes('<')) fail(`"<" in the value of attribute ${aname}`, pos);
        // A scan of the few attributes before, a Set once there are many (100k attributes were quadratic).
        if (names) {
          if (names.has(aname)) fail(`attribute ${aname} redefined`, pos);
          names.add(aname);
        } else {
          for (const a of attrs) if (a.name === aname) fail(`attribute ${aname} redefined`, pos);
          if (attrs.length + 1 >= SET_FROM) names = new Set([...attrs.map((a) => a.name), aname]);
        }
        const value = decodeRefs(/[\t\n\r]/.test(raw) ? raw.replace(/\r\n?/g, '\n').replace(/[\t\n]/g, ' ') : raw, pos);
        const colon = aname.indexOf(':');
        const prefix = colon === -1 ? '' : split(aname, pos)[0];
        const localName = colon === -1 ? aname : aname.slice(colon + 1);
        const isNs = aname === 'xmlns' || prefix === 'xmlns';
        if (isNs) hasNs = true;
        else if (prefix) prefixed++;
        attrs.push({ name: aname, prefix, localName, namespaceURI: '', value, isNs });
        pos = end + 1;
      }
      let log: Array<[string, string | undefined]> | null = null;
      if (hasNs) {
        log = [];
        for (const a of attrs) {
          if (!a.isNs) continue;
          a.namespaceURI = XMLNS_NS;
          const p = a.prefix === 'xmlns' ? a.localName : '';
          if (p === 'xmlns' || (p === 'xml') !== (a.value === XML_NS)) fail(`reserved namespace prefix misuse (${a.name})`, lt);
          if (p !== '' && a.value === '') fail(`prefix ${p} cannot be undeclared`, lt);
          log.push([p, scope.get(p)]);
          scope.set(p, a.value);
        }
      }
      const colon = name.indexOf(':');
      const prefix = colon === -1 ? '' : split(name, lt)[0];
      const localName = colon === -1 ? name : name.slice(colon + 1);
      const ns = prefix ? scope.get(prefix) : (scope.get('') ?? '');
      if (ns === undefined) fail(`undeclared namespace prefix ${prefix}`, lt);
      if (prefixed > 0) {
        // Two names can only expand alike when both are prefixed (unprefixed ones are unique and have no namespace).
        const expanded = prefixed > 1 ? new Set<string>() : null;
        for (const a of attrs) {
          if (a.isNs || !a.prefix) continue;
          const uri = scope.get(a.prefix);
          if (uri === undefined) fail(`undeclared namespace prefix ${a.prefix}`, lt);
          a.namespaceURI = uri as string;
          if (!expanded) continue;
          const key = `${a.namespaceURI}|${a.localName}`;
          if (expanded.has(key)) fail(`attribute ${a.name} redefined`, lt);
          expanded.add(key);
        }
      }
      const p = parent();
      const el: XElement = {
        type: ELEMENT, name, prefix, localName, namespaceURI: ns as string, attrs, children: [], parent: p,
        src: { start: lt, openEnd: pos, closeStart: pos, end: pos, selfClosing },
      };
      if (p.type === DOCUMENT) {
        if (doc.root) fail('only one root element is allowed', lt);
        doc.root = el;
      }
      (p.children as XNode[]).push(el);
      if (!selfClosing) {
        stack.push(el);
        undo.push(log);
      } else restore(log);
    }
  }
  if (stack.length) fail(`element <${(stack[stack.length - 1] as XElement).name}> is not closed`, s.length);
  if (!doc.root) fail('missing root element', 0);
  return doc;
}
