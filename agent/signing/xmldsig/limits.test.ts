// H3: hostile shapes (many attributes, nested namespace declarations, depth bombs, long blank runs) fail fast and
// cleanly as DOCUMENT_INVALID, or are processed in linear time; nothing overflows the stack or the heap.
import { describe, expect, it } from 'vitest';
import { canonicalize } from './c14n.js';
import { parseXml } from './parse.js';
import { placeSignature } from './profiles.js';
import { planSignature } from './sign.js';
import { MAX_ATTRIBUTES, MAX_DEPTH, MAX_NODES, MAX_TOTAL_ATTRIBUTES } from './xml-parser.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const invalid = (detail: string): unknown => expect.objectContaining({ reason: 'DOCUMENT_INVALID', data: { detail: expect.stringContaining(detail) } });
// No wall-clock bounds here (speed lives in bench/): the quadratic or exponential shapes these tests guard
// against took seconds to minutes, or ended V8, and would run into the test's timeout.

describe('parser limits (H3)', () => {
  it('100k attributes on one element (1 MB) are refused at the cap, fast', () => {
    const xml = bytes(`<a${Array.from({ length: 100_000 }, (_, i) => ` a${i}="1"`).join('')}/>`);
    // Was 37 s (a scan of the previous attributes per attribute): now refused when the cap is passed.
    expect(() => parseXml(xml)).toThrow(invalid(`more than ${MAX_ATTRIBUTES} attributes`));
  });

  it('up to the cap, attributes parse and a duplicate is still found (Set path)', () => {
    const names = Array.from({ length: MAX_ATTRIBUTES - 1 }, (_, i) => ` a${i}="1"`).join('');
    expect(parseXml(bytes(`<a${names} z="2"/>`)).doc.root.attrs).toHaveLength(MAX_ATTRIBUTES);
    expect(() => parseXml(bytes(`<a${names} a17="2"/>`))).toThrow(invalid('attribute a17 redefined'));
    expect(() => parseXml(bytes(`<a${names} z="1" y="2"/>`))).toThrow(invalid(`more than ${MAX_ATTRIBUTES} attributes`));
  });

  it('20k nested namespace declarations (470 KB) are DOCUMENT_INVALID, no crash', () => {
    const n = 20_000;
    const xml = bytes(`${Array.from({ length: n }, (_, i) => `<a xmlns:p${i}="u">`).join('')}${'</a>'.repeat(n)}`);
    // Was a fatal V8 heap OOM (a scope copy per element).
    expect(() => parseXml(xml)).toThrow(invalid(`nested more than ${MAX_DEPTH} deep`));
  });

  it('T23: 64 MiB of flat <a/><b/> (16M elements) is DOCUMENT_INVALID at the node cap, within the memory budget', () => {
    const unit = '<a/><b/>';
    const xml = bytes(`<r>${unit.repeat(Math.floor((64 * 1024 * 1024 - 7) / unit.length))}</r>`);
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    expect(() => parseXml(xml)).toThrow(invalid(`more than ${MAX_NODES} nodes`));
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(`64 MiB flat XML: refused, RSS ${(rss0 / 2 ** 20).toFixed(0)} → ${(peak / 2 ** 20).toFixed(0)} MiB`);
    // Today's code built 16M nodes (4.5 GB, V8 abort); bounded, the tree stays far below the 1 GiB budget.
    expect(peak - rss0).toBeLessThan(600 * 2 ** 20);
  });

  it('just under the node cap still parses; attributes are bounded across the document', () => {
    expect(parseXml(bytes(`<r>${'<a/>'.repeat(MAX_NODES - 1)}</r>`)).doc.root.children).toHaveLength(MAX_NODES - 1);
    const perEl = 500;
    const el = `<e${Array.from({ length: perEl }, (_, i) => ` a${i}="1"`).join('')}/>`;
    const n = Math.floor(MAX_TOTAL_ATTRIBUTES / perEl) + 1;
    expect(() => parseXml(bytes(`<r>${el.repeat(n)}</r>`))).toThrow(invalid(`more than ${MAX_TOTAL_ATTRIBUTES} attributes in the document`));
  });

  it('a depth bomb (100k bare elements) is refused at the depth cap; 1M at the node cap', () => {
    const xml = bytes(`${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`);
    expect(() => parseXml(xml)).toThrow(invalid(`nested more than ${MAX_DEPTH} deep`));
    const huge = bytes(`${'<a>'.repeat(1_000_000)}${'</a>'.repeat(1_000_000)}`);
    expect(() => parseXml(huge)).toThrow(invalid(`more than ${MAX_NODES} nodes`));
  });

  it('the deepest allowed document, each level declaring a namespace, parses, canonicalises and is planned', () => {
    const d = MAX_DEPTH - 2; // under <HDon><DLHDon>
    const open = Array.from({ length: d }, (_, i) => `<e xmlns:p${i}="urn:${i}" p${i}:k="v">`).join('');
    const xml = (extra: string): Uint8Array => bytes(`<HDon><DLHDon Id="x">${open}${extra}t${'</e>'.repeat(d)}</DLHDon></HDon>`);
    expect(() => parseXml(xml('<e/>'))).toThrow(invalid('deep'));
    const { doc } = parseXml(xml(''));
    for (const exclusive of [false, true]) {
      const c = canonicalize(doc, { exclusive, withComments: false });
      // Inclusive renders each declaration once, where it appears; exclusive where it is used (the same element).
      expect(c.split('xmlns:p').length - 1).toBe(d);
    }
    expect(planSignature(doc, { profile: 'einvoice', hashAlgorithm: 'SHA-256' }).digest).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('many siblings redeclaring under a root with 1,000 declarations canonicalise in linear time', () => {
    const decls = Array.from({ length: MAX_ATTRIBUTES }, (_, i) => ` xmlns:p${i}="urn:${i}"`).join('');
    const kids = '<k xmlns:p1="urn:other" p1:a="1"/>'.repeat(50_000);
    const { doc } = parseXml(bytes(`<r${decls}>${kids}</r>`));
    // Each sibling used to walk (and copy) the whole 1,000-entry scope: 50M copies.
    const out = canonicalize(doc, { exclusive: false, withComments: false });
    expect(out.match(/<k xmlns:p1="urn:other" p1:a="1"><\/k>/g)).toHaveLength(50_000);
  });

  it('a self-closing signature parent with a long blank run is spliced in linear time', () => {
    const xml = bytes(`<a><b x="1"${' '.repeat(200_000)}/></a>`);
    const { doc } = parseXml(xml);
    // /\s*\/>$/ backtracked quadratically: 30k blanks took ~1 s, 200k ~45 s.
    const head = planSignature(doc, { profile: 'enveloped', hashAlgorithm: 'SHA-256', signatureParent: 'b' }).head;
    expect(head.endsWith('<b x="1">')).toBe(true);
  });

  it('the placement check is unchanged by the plan (DOCUMENT_INVALID before any signer)', () => {
    const { doc } = parseXml(bytes('<HDon><DLHDon>x</DLHDon></HDon>'));
    expect(() => placeSignature(doc, { profile: 'einvoice', hashAlgorithm: 'SHA-256' })).toThrow(invalid('Id'));
    expect(() => planSignature(doc, { profile: 'einvoice', hashAlgorithm: 'SHA-256' })).toThrow(invalid('Id'));
  });
});
