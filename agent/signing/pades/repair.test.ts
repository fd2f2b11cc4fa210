// The repair scan on hostile input: every byte is lexed a bounded number of times (docs/security.md, T23).
import { describe, expect, it } from 'vitest';
import { scanObjects } from './repair.js';

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('scanObjects', () => {
  it('scanObjects_manyUnclosedStringsAfterTrailer_readsOnceAndFindsNothing instead of rescanning to the end each time', () => {
    // 2 MiB of `trailer(`: each attempt used to lex an unclosed string to the end of the file and move on 7 bytes
    // (≈ 10^11 byte reads); now the first failure moves the scan to where the lexer stopped.
    const r = scanObjects(enc(`%PDF-1.7\n${'trailer('.repeat(256 * 1024)}`));
    expect(r.objects.size).toBe(0);
  });

  it('scanObjects_manyUnclosedStringsInObjects_sameBound', () => {
    const r = scanObjects(enc(`%PDF-1.7\n${'1 0 obj (\n'.repeat(200 * 1024)}`));
    expect(r.objects.size).toBe(0);
  });

  it('scanObjects_objectsAfterABrokenTrailerDictionary_stillFound', () => {
    const r = scanObjects(enc('%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer << /Root 1 0 R >>\n2 0 obj\n(x)\nendobj\n'));
    expect([...r.objects.keys()].sort()).toEqual([1, 2]);
    expect(r.trailer.get('Root')).toBeDefined();
  });
});
