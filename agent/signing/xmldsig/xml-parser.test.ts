import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalize } from './c14n.js';
import { parseXml } from './parse.js';
import { parseXmlText } from './xml-parser.js';
import { DOMParser, type Element as DomElement, type Node as DomNode } from '@xmldom/xmldom';
import { descendants, type XElement } from './tree.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

describe('parseXmlText', () => {
  it.each([
    ['<a><b></a>', 'does not match'],
    ['<a', 'unterminated start tag'],
    ['text', 'outside the root'],
    ['<a>&nbsp;</a>', 'entity not found'],
    ['<a x="1" x="2"/>', 'redefined'],
    ['<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>', 'redefined'],
    ['<p:a/>', 'undeclared namespace prefix'],
    ['<a/><b/>', 'only one root'],
    ['', 'missing root'],
    ['<a x=1/>', 'quoted value'],
    ['<a x="<"/>', '"<" in the value'],
    ['<a>&#0;</a>', 'not an XML character'],
    ['<a>]]></a>', ']]>'],
    ['<a><!-- a -- b --></a>', '--'],
    ['<a/><?xml version="1.0"?>', 'XML declaration'],
    ['<a xmlns:p=""/>', 'cannot be undeclared'],
    ['<a>\u0001</a>', 'not allowed'],
    ['<a><!ENTITY x "y"></a>', 'not allowed'],
  ])('%j is refused (%s)', (xml, why) => {
    expect(() => parseXmlText(xml)).toThrow(why);
  });

  it('keeps namespaces, offsets, normalised attributes and merged text', () => {
    const doc = parseXmlText('<?xml version="1.0"?>\r\n<r xmlns="urn:d" xmlns:p="urn:p"><p:e a="x\r\n\ty" p:b="&lt;&#x1F600;"><![CDATA[<&>]]>&amp;t</p:e><e2/></r>');
    const [e, e2] = descendants(doc.root);
    expect(e).toMatchObject({ name: 'p:e', namespaceURI: 'urn:p', localName: 'e' });
    expect(e!.attrs.map((a) => [a.name, a.namespaceURI, a.value])).toEqual([['a', '', 'x  y'], ['p:b', 'urn:p', '<😀']]);
    expect(e!.children).toMatchObject([{ type: 3, data: '<&>&t' }]);
    expect(e2).toMatchObject({ namespaceURI: 'urn:d', src: { selfClosing: true } });
    expect(doc.text.slice(e2!.src!.start, e2!.src!.end)).toBe('<e2/>');
  });

  it('refuses DOCTYPE with a detail naming it, and a non-UTF-8 encoding declaration', () => {
    expect(() => parseXml(bytes('<!DOCTYPE a><a/>'))).toThrow(expect.objectContaining({ reason: 'DOCUMENT_INVALID', data: { detail: expect.stringContaining('DOCTYPE') } }));
    expect(() => parseXml(bytes('<?xml version="1.0" encoding="windows-1258"?><a/>'))).toThrow(expect.objectContaining({ data: { detail: expect.stringContaining('UTF-8 only') } }));
  });
});

describe('canonical form is a fixed point (property)', () => {
  const name = fc.constantFrom('a', 'b', 'Ten', 'p:x', 'q:y', 'DLHDon');
  const text = fc.string({ unit: fc.constantFrom('a', 'ă', 'đ', ' ', '\n', '\t', '&', '<', '>', '"', "'", '\r', 'Ỹ', '😀') , maxLength: 8 });
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
  const tree: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
    node: fc.tuple(name, fc.array(fc.tuple(fc.constantFrom('k', 'z', 'p:m', 'Id'), text), { maxLength: 3 }), fc.array(fc.oneof(text.map(esc), tie('node'), text.map((t) => `<!--${t.replace(/-/g, '')}x-->`)), { maxLength: 3 }), fc.boolean())
      .map(([n, attrs, kids, decl]) => {
        const uniq = [...new Map(attrs).entries()];
        const ns = decl ? ' xmlns:p="urn:p" xmlns="urn:d"' : '';
        return `<${n}${ns}${uniq.map(([k, v]) => ` ${k}="${esc(v)}"`).join('')}>${kids.join('')}</${n}>`;
      }),
  })).node;
  it('parse(c14n(parse(x))) canonicalises to the same text, inclusive and exclusive', () => {
    fc.assert(fc.property(tree, fc.boolean(), fc.boolean(), (xml, exclusive, withComments) => {
      const doc = `<root xmlns:p="urn:p" xmlns:q="urn:q">${xml}</root>`;
      const once = canonicalize(parseXmlText(doc), { exclusive, withComments });
      const twice = canonicalize(parseXmlText(once), { exclusive, withComments });
      expect(twice).toBe(once);
    }), { numRuns: 300 });
  });
});

/** The same tree as xmldom sees it: names, namespaces, attribute values, merged text (comments dropped). */
function fromDom(el: DomElement): unknown {
  const attrs = [];
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i)!;
    attrs.push([a.name, a.namespaceURI ?? '', a.value]);
  }
  const kids: unknown[] = [];
  for (let c: DomNode | null = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1) kids.push(fromDom(c as DomElement));
    else if (c.nodeType === 3 || c.nodeType === 4) {
      if (typeof kids[kids.length - 1] === 'string') kids[kids.length - 1] += (c as DomNode & { data: string }).data;
      else kids.push((c as DomNode & { data: string }).data);
    }
  }
  return [el.tagName, el.namespaceURI ?? '', attrs.sort(), kids];
}
function fromOurs(el: XElement): unknown {
  const kids: unknown[] = [];
  for (const c of el.children) if (c.type === 1) kids.push(fromOurs(c)); else if (c.type === 3) {
    if (typeof kids[kids.length - 1] === 'string') kids[kids.length - 1] += c.data; else kids.push(c.data);
  }
  return [el.name, el.namespaceURI, el.attrs.map((a) => [a.name, a.namespaceURI, a.value]).sort(), kids];
}

describe('differential against xmldom', () => {
  it('parses the same trees as xmldom on generated documents', () => {
    const dom = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } });
    const text = fc.string({ unit: fc.constantFrom('a', 'ữ', ' ', '\n', '\r\n', '\t', '&amp;', '&lt;', '&#10;', '&#xD;', '&#9;', '"', '😀'), maxLength: 10 });
    const el: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.tuple(fc.constantFrom('a', 'p:b', 'c'), fc.array(fc.tuple(fc.constantFrom('x', 'p:y', 'z'), text), { maxLength: 3 }),
        fc.array(fc.oneof(text, tie('e'), text.map((t) => `<![CDATA[${t}]]>`), fc.constant('<!--c-->'), fc.constant('<?pi d?>')), { maxLength: 3 }))
        .map(([n, attrs, kids]) => `<${n}${[...new Map(attrs).entries()].map(([k, v]) => ` ${k}="${v.replace(/"/g, '&quot;')}"`).join('')}>${kids.join('')}</${n}>`),
    })).e;
    fc.assert(fc.property(el, (inner) => {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<r xmlns="urn:d" xmlns:p="urn:p">${inner}</r>`;
      const theirs = dom.parseFromString(xml, 'text/xml').documentElement!;
      expect(fromOurs(parseXmlText(xml).root)).toEqual(fromDom(theirs));
    }), { numRuns: 300 });
  });
});
