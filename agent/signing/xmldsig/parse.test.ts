import { describe, expect, it } from 'vitest';
import { parseXml } from './parse.js';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p)));

describe('parseXml decoding', () => {
  it('drops a byte-order mark and keeps Vietnamese text', () => {
    const { doc, declaration } = parseXml(bytes([0xef, 0xbb, 0xbf], '<?xml version="1.0" encoding="UTF-8"?><a>Hoá đơn</a>'));
    expect(declaration).toBe('<?xml version="1.0" encoding="UTF-8"?>');
    expect(doc.root.localName).toBe('a');
  });

  it('refuses bytes that are not UTF-8 (a truncated sequence, an overlong form, a lone surrogate)', () => {
    for (const bad of [[0x3c, 0x61, 0x3e, 0xc3, 0x3c, 0x2f, 0x61, 0x3e], [0x3c, 0x61, 0x3e, 0xc0, 0xaf, 0x3c, 0x2f, 0x61, 0x3e], [0x3c, 0x61, 0x3e, 0xed, 0xa0, 0x80, 0x3c, 0x2f, 0x61, 0x3e]]) {
      expect(() => parseXml(new Uint8Array(bad))).toThrow(expect.objectContaining({ reason: 'DOCUMENT_INVALID', data: { detail: 'the document is not valid UTF-8' } }));
    }
  });

  it('reads a view into a larger buffer from its own offset', () => {
    const whole = bytes('xxxx<b/>yyyy');
    expect(parseXml(whole.subarray(4, 8)).doc.root.localName).toBe('b');
  });
});
