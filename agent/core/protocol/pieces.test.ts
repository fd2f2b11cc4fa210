// A large answer as pieces (docs/security.md T22): joined — and UTF-8 encoded piece by piece — it must be exactly
// today's JSON.stringify text, whatever long strings it holds and wherever their slices fall.
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from './encoding.js';
import { parseAnswer, parseJson, serializeResult, serializeResultSliced, stringifyPieces, stringifySliced, stringifyTexts } from './json.js';
import { PIECE_MAX, PieceBuilder, isTextPieces, joinPieces, utf8Length, type MessageText, type TextPieces } from './pieces.js';
import { SLICE_CHARS, encodeBase64Sliced, takeBase64Pieces } from './slices.js';

const MiB = 1024 * 1024;
const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

function bytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7919 + seed * 31) & 0xff;
  return b;
}

/** Text of `n` chars with `around` placed so that it straddles the character offsets `at` (slice boundaries). */
function straddling(n: number, around: string, at: number[]): string {
  let t = '';
  for (const a of at) {
    t += 'é'.repeat(Math.max(0, a - t.length - 1));
    t += around;
  }
  return t + 'x'.repeat(Math.max(0, n - t.length));
}

/** UTF-8 of the pieces one by one, concatenated: what a transport writes. */
function wire(text: MessageText): Buffer {
  return Buffer.concat((typeof text === 'string' ? [text] : text.pieces).map((p) => Buffer.from(p, 'utf8')));
}

/** Every property a transport relies on, against JSON.stringify of the same value. */
async function expectSameAsToday(value: unknown, made: MessageText): Promise<TextPieces> {
  const today = JSON.stringify(value);
  expect(isTextPieces(made)).toBe(true);
  const pieces = made as TextPieces;
  expect(joinPieces(pieces) === today).toBe(true);
  expect(pieces.length).toBe(today.length);
  expect(wire(pieces).equals(Buffer.from(today, 'utf8'))).toBe(true);
  expect(await utf8Length(pieces, byteLength)).toBe(byteLength(today));
  for (const [i, p] of pieces.pieces.entries()) {
    expect(p.length).toBeGreaterThan(0);
    expect(p.length).toBeLessThanOrEqual(PIECE_MAX);
    // Whole UTF-16: a pair is never split between two pieces (each half alone would encode as U+FFFD).
    const last = p.charCodeAt(p.length - 1);
    const next = pieces.pieces[i + 1]?.charCodeAt(0) ?? 0;
    expect(last >= 0xd800 && last <= 0xdbff && next >= 0xdc00 && next <= 0xdfff).toBe(false);
  }
  return pieces;
}

describe('answers as pieces are byte for byte today’s text (docs/security.md T22)', () => {
  it('a signed document from encodeBase64Sliced: its own slices, ASCII, the same bytes', async () => {
    const doc = bytes(3 * MiB + 2);
    const result = { pdf: await encodeBase64Sliced(doc), repaired: false };
    const made = await serializeResultSliced(42, result);
    const pieces = await expectSameAsToday({ jsonrpc: '2.0', id: 42, result }, made);
    expect(pieces.ascii).toBe(true);
    // The base64 slices themselves are the pieces (the envelope joined to the first and last; the last slice, 4
    // characters, to the one before it).
    const b64 = encodeBase64(doc);
    expect(b64.length).toBe(4 * SLICE_CHARS + 4);
    expect(pieces.pieces.length).toBe(4);
    expect(pieces.pieces[1] === b64.slice(SLICE_CHARS, 2 * SLICE_CHARS)).toBe(true);
    // The document is spliced in once: the next answer does not know it any more.
    expect(takeBase64Pieces(result.pdf)).toBeNull();
  });

  it('base64 that was not made here, and small answers, as today (small ones stay strings)', async () => {
    const value = { jsonrpc: '2.0', id: 'x', result: { cms: encodeBase64(bytes(2 * MiB, 5)) } };
    const pieces = await expectSameAsToday(value, await stringifyPieces(value));
    expect(pieces.ascii).toBe(true);
    const small = { jsonrpc: '2.0', id: 1, result: { signature: encodeBase64(bytes(256)), text: 'chữ ký 😀' } };
    expect(await stringifyPieces(small)).toBe(JSON.stringify(small));
    // Long strings whose whole is still below a slice: one string.
    const below = { a: 'q'.repeat(300 * 1024), b: 'é'.repeat(300 * 1024) };
    expect(await stringifyPieces(below)).toBe(JSON.stringify(below));
  });

  it('non-base64 long text with surrogate pairs, lone halves and escapes across the slice boundaries', async () => {
    const at = [SLICE_CHARS, 2 * SLICE_CHARS, 3 * SLICE_CHARS - 1];
    const cases = ['😀', '\ud83d', '\ude00', '\ud83d\ud83d\ude00', '"\\', '\u2028\n\u0001', '\\u0041'];
    for (const around of cases) {
      const value = { jsonrpc: '2.0', id: 1, result: { text: straddling(3 * SLICE_CHARS + 17, around, at) } };
      const pieces = await expectSameAsToday(value, await stringifyPieces(value));
      expect(pieces.ascii).toBe(false);
    }
  });

  it('several long fields of every kind, and nested results like sign.batch', async () => {
    const a = await encodeBase64Sliced(bytes(2 * MiB, 2));
    const b = await encodeBase64Sliced(bytes(MiB + 5, 3));
    const value = {
      jsonrpc: '2.0',
      id: 9,
      result: {
        results: [
          { ok: true, result: { pdf: a, repaired: true } },
          { ok: false, error: { code: -32010, message: 'Tài liệu không hợp lệ', data: { reason: 'DOCUMENT_INVALID', retriable: false } } },
          { ok: true, result: { xml: b } },
          { ok: true, result: { cms: encodeBase64(bytes(400 * 1024, 4)), note: straddling(SLICE_CHARS + 3, '😀', [SLICE_CHARS]) } },
        ],
        names: ['\u0000kyso-lifted:', 'x'.repeat(10)],
      },
    };
    await expectSameAsToday(value, await stringifyPieces(value));
  });

  it('a skeleton longer than a piece (many medium strings) is cut into whole pieces too', async () => {
    const medium = Array.from({ length: 12 }, (_, i) => `${'é'.repeat(200 * 1024)}😀${i}`);
    const value = { items: medium, doc: await encodeBase64Sliced(bytes(MiB, 7)) };
    await expectSameAsToday(value, await stringifyPieces(value));
  });

  it('a string holding the stand-in text: the whole text, still as pieces', async () => {
    const value = { a: '\u0000kyso-lifted:0', b: encodeBase64(bytes(2 * MiB, 8)), c: '\u0000kyso-lifted:1' };
    await expectSameAsToday(value, await stringifyPieces(value));
  });

  it('random long strings cut at random places around the boundaries', async () => {
    const alphabet = ['a', 'é', '😀', '\ud800', '\udfff', '"', '\\', '\n', '\u2028', '\u0000', 'Ω'];
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 4; round++) {
      const fields: Record<string, string> = {};
      for (let f = 0; f < 2; f++) {
        const n = SLICE_CHARS + rnd(SLICE_CHARS);
        const spots = Array.from({ length: 6 }, () => SLICE_CHARS - 3 + rnd(7)).sort((x, y) => x - y);
        let t = '';
        for (const s of spots) {
          if (t.length < s - 1) t += 'z'.repeat(s - 1 - t.length);
          t += alphabet[rnd(alphabet.length)]! + alphabet[rnd(alphabet.length)]!;
        }
        fields[`f${f}`] = t + 'k'.repeat(Math.max(0, n - t.length));
      }
      await expectSameAsToday(fields, await stringifyPieces(fields));
    }
  });

  it('an array of JSON texts given as pieces (JSON inside JSON, the VNPT batch) is quoted piece by piece to the same text', async () => {
    const items = [
      { code: 0, data: await encodeBase64Sliced(bytes(2 * MiB, 12)), error: '', serial: 'AB' },
      { code: 1, data: '', error: straddling(SLICE_CHARS + 5, '😀"\\', [SLICE_CHARS - 1]), serial: '' },
      { code: 0, data: 'QUJD', error: '', serial: 'AB' },
    ];
    const texts = [];
    for (const i of items) texts.push(await stringifyPieces(i));
    expect(isTextPieces(texts[0]) && isTextPieces(texts[1]) && typeof texts[2] === 'string').toBe(true);
    await expectSameAsToday(items.map((i) => JSON.stringify(i)), await stringifyTexts(texts));
    const ascii = await stringifyTexts([await stringifyPieces({ d: await encodeBase64Sliced(bytes(2 * MiB, 13)) })]);
    expect(isTextPieces(ascii) && ascii.ascii).toBe(true);
  });

  it('stringifySliced (one string, for in-process use) is the same text', async () => {
    const value = { x: await encodeBase64Sliced(bytes(2 * MiB, 9)), y: straddling(SLICE_CHARS + 1, '😀', [SLICE_CHARS]) };
    expect((await stringifySliced(value)) === JSON.stringify(value)).toBe(true);
  });
});

describe('parseAnswer reads pieces back without joining them', () => {
  it('gives JSON.parse’s value, and the document is known again for the next answer', async () => {
    const doc = await encodeBase64Sliced(bytes(2 * MiB + 1, 10));
    const result = { pdf: doc, note: straddling(SLICE_CHARS + 2, '\ud83d', [SLICE_CHARS]), n: 1 };
    const made = await serializeResultSliced(3, result);
    const parsed = await parseAnswer(made);
    expect(parsed).toEqual({ ok: true, value: JSON.parse(serializeResult(3, result)) });
    const again = (parsed as { value: { result: { pdf: string } } }).value.result.pdf;
    expect(again === doc).toBe(true);
    // Spliced in as slices once more (the VNPT reply), not scanned.
    expect(takeBase64Pieces(again)).not.toBeNull();
    expect(await parseAnswer('{"a":1}')).toEqual(parseJson('{"a":1}'));
  });

  it('pieces it did not make, or a skeleton with the stand-in text as a name, are parsed as text', async () => {
    const value = { '\u0000kyso-lifted:0': 1, b: encodeBase64(bytes(2 * MiB, 11)) };
    const made = await stringifyPieces(value);
    expect(await parseAnswer(made)).toEqual({ ok: true, value });
    const built = new PieceBuilder();
    built.add(JSON.stringify({ z: 'y'.repeat(2 * MiB) }));
    expect(await parseAnswer(built.done())).toEqual({ ok: true, value: { z: 'y'.repeat(2 * MiB) } });
  });
});
