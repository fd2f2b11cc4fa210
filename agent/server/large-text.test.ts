import { describe, expect, it } from 'vitest';
import { BYTES_FROM } from '../core/protocol/json-bytes.js';
import { TEXT_SLICE, decodeUtf8Sliced, handOn, messageOf } from './large-text.js';

const enc = new TextEncoder();

describe('decodeUtf8Sliced', () => {
  it('is TextDecoder’s text for a large non-ASCII input, a U+FEFF at a slice start included', async () => {
    // 'é' is 2 bytes: the slice ends fall between characters, one right before a U+FEFF.
    const text = `\ufeff${'é'.repeat(TEXT_SLICE / 2 - 2)}a\ufeff${'ệ'.repeat(TEXT_SLICE)}`;
    const bytes = enc.encode(text);
    expect(bytes.subarray(TEXT_SLICE, TEXT_SLICE + 3)).toEqual(Uint8Array.of(0xef, 0xbb, 0xbf));
    expect((await decodeUtf8Sliced(bytes, true)) === new TextDecoder().decode(bytes)).toBe(true);
  });
  it('fatal refuses malformed input', async () => {
    const bytes = enc.encode('é'.repeat(TEXT_SLICE));
    bytes[TEXT_SLICE + 1] = 0xff;
    await expect(decodeUtf8Sliced(bytes, true)).rejects.toThrow(TypeError);
  });
});

describe('messageOf / handOn', () => {
  it('a large message as its bytes once checked, a small one or one for text as text', async () => {
    const large = enc.encode(`"${'ệ'.repeat(BYTES_FROM / 3)}"`);
    expect(await messageOf(large, true)).toBe(large);
    expect(typeof (await messageOf(large, true, false))).toBe('string');
    expect(await messageOf(enc.encode('{"a":1}'), true)).toBe('{"a":1}');
    const bad = large.slice();
    bad[100] = 0xc3;
    await expect(messageOf(bad, true)).rejects.toThrow(TypeError);
    // Not fatal (a ws text frame, checked by ws): handed over as it is.
    expect(await messageOf(bad, false)).toBe(bad);
  });
  it('hands text to handle and bytes to handleBytes', async () => {
    const got: string[] = [];
    const h = { handle: async (t: string) => (got.push(`text ${t}`), null), handleBytes: async (b: Uint8Array) => (got.push(`bytes ${b.length}`), null) };
    await handOn(h, 'x');
    await handOn(h, new Uint8Array(3));
    expect(got).toEqual(['text x', 'bytes 3']);
    expect(() => handOn({ handle: h.handle }, new Uint8Array(1))).toThrow(TypeError);
  });
});
