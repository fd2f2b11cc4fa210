import { describe, expect, it } from 'vitest';
import type { XElement } from './tree.js';
import { canonicalize } from './c14n.js';
import { parseXml, assertNoDtd } from './parse.js';

const parse = (s: string) => parseXml(new Uint8Array(Buffer.from(s, 'utf8'))).doc;
const inc = { exclusive: false, withComments: false };

describe('canonicalize', () => {
  it('C14N spec §3.3: start/end tags, attribute order, superfluous namespace declarations', () => {
    const doc = parse(`<doc>
   <e1   />
   <e2   ></e2>
   <e3   name = "elem3"   id="elem3"   />
   <e4   name="elem4"   id="elem4"   ></e4>
   <e5 a:attr="out" b:attr="sorted" attr2="all" attr="I'm"
      xmlns:b="http://www.ietf.org"
      xmlns:a="http://www.w3.org"
      xmlns="http://example.org"/>
   <e6 xmlns="" xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="" xmlns:a="http://www.w3.org">
            <e9 xmlns="" xmlns:a="http://www.ietf.org"/>
         </e8>
      </e7>
   </e6>
</doc>`);
    expect(canonicalize(doc, inc)).toBe(`<doc>
   <e1></e1>
   <e2></e2>
   <e3 id="elem3" name="elem3"></e3>
   <e4 id="elem4" name="elem4"></e4>
   <e5 xmlns="http://example.org" xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr="I'm" attr2="all" b:attr="sorted" a:attr="out"></e5>
   <e6 xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="">
            <e9 xmlns:a="http://www.ietf.org"></e9>
         </e8>
      </e7>
   </e6>
</doc>`);
  });

  it('C14N spec §3.4: character references, CDATA, attribute escaping and normalisation', () => {
    const doc = parse(`<doc>
   <text>First line&#x0d;&#10;Second line</text>
   <value>&#x32;</value>
   <compute><![CDATA[value>"0" && value<"10" ?"valid":"error"]]></compute>
   <compute expr='value>"0" &amp;&amp; value&lt;"10" ?"valid":"error"'>valid</compute>
   <norm attr=' &apos;   &#x20;&#13;&#xa;&#9;   &apos; '/>
</doc>`);
    expect(canonicalize(doc, inc)).toBe(`<doc>
   <text>First line&#xD;
Second line</text>
   <value>2</value>
   <compute>value&gt;"0" &amp;&amp; value&lt;"10" ?"valid":"error"</compute>
   <compute expr="value>&quot;0&quot; &amp;&amp; value&lt;&quot;10&quot; ?&quot;valid&quot;:&quot;error&quot;">valid</compute>
   <norm attr=" '    &#xD;&#xA;&#x9;   ' "></norm>
</doc>`);
  });

  it('exc-c14n spec §2.2: a subset renders only visibly used namespaces; inclusive renders all in scope', () => {
    const doc = parse('<n0:local xmlns:n0="foo:bar" xmlns:n3="ftp://example.org"><n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"/></n1:elem2></n0:local>');
    const elem2 = doc.root.children[0] as XElement;
    expect(canonicalize(elem2, { exclusive: true, withComments: false }))
      .toBe('<n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"></n3:stuff></n1:elem2>');
    expect(canonicalize(elem2, inc))
      .toBe('<n1:elem2 xmlns:n0="foo:bar" xmlns:n1="http://example.net" xmlns:n3="ftp://example.org" xml:lang="en"><n3:stuff></n3:stuff></n1:elem2>');
  });

  it('inclusive subsets inherit xml:* attributes of ancestors', () => {
    const doc = parse('<a xml:lang="vi" xml:space="preserve"><b xml:lang="en"><c>x</c></b></a>');
    const b = doc.root.children[0] as XElement;
    expect(canonicalize(b, inc)).toBe('<b xml:lang="en" xml:space="preserve"><c>x</c></b>');
    expect(canonicalize(b, { exclusive: true, withComments: false })).toBe('<b xml:lang="en"><c>x</c></b>');
  });

  it('document level: declaration dropped, comments and PIs around the root on their own lines', () => {
    const doc = parse('<?xml version="1.0" encoding="UTF-8"?>\n<!--a-->\n<?pi x?>\n<r><!--in--></r>\n<!--b-->\n');
    expect(canonicalize(doc, { exclusive: false, withComments: true })).toBe('<!--a-->\n<?pi x?>\n<r><!--in--></r>\n<!--b-->');
    expect(canonicalize(doc, inc)).toBe('<?pi x?>\n<r></r>');
  });

  it('leaves out the excluded subtree (enveloped-signature transform)', () => {
    const doc = parse('<r><a>1</a><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><x/></Signature><b>2</b></r>');
    const sig = doc.root.children[1] as XElement;
    expect(canonicalize(doc, { ...inc, exclude: sig })).toBe('<r><a>1</a><b>2</b></r>');
  });
});

describe('assertNoDtd', () => {
  it('refuses DOCTYPE and ENTITY but not the same text inside comments or CDATA', () => {
    expect(() => assertNoDtd('<!DOCTYPE a><a/>')).toThrow();
    expect(() => assertNoDtd('<a><!ENTITY x "y"></a>')).toThrow();
    expect(() => assertNoDtd('<a><!-- <!DOCTYPE a> --><![CDATA[<!ENTITY x>]]></a>')).not.toThrow();
  });
});
