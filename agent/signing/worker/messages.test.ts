// Unit: byte arrays cross the worker boundary as exactly their bytes (docs/security.md T22, "Document worker").
import { describe, expect, it } from 'vitest';
import { exactCopies } from './messages.js';

describe('exactCopies', () => {
  it('copy: every array (nested too) becomes its own buffer of exactly its bytes; the sender\'s arrays stay usable', () => {
    const memory = new Uint8Array(8192).fill(7);
    const whole = Uint8Array.of(1, 2, 3);
    const at = new Date('2026-12-03T00:00:00Z');
    const transfer: ArrayBuffer[] = [];
    const out = exactCopies({ a: memory.subarray(10, 14), list: [whole, { deep: memory.subarray(0, 2) }], at, n: 1, s: 'x' }, transfer, 'copy');
    expect(out.a.buffer.byteLength).toBe(4);
    expect((out.list[1] as { deep: Uint8Array }).deep.buffer.byteLength).toBe(2);
    expect(out.list[0]).not.toBe(whole);
    expect(out.at).toBe(at);
    expect(out).toMatchObject({ n: 1, s: 'x' });
    expect(transfer).toHaveLength(3);
    // Moving the copies leaves the sender's arrays intact.
    structuredClone(out, { transfer });
    expect(whole.length).toBe(3);
    expect(memory.length).toBe(8192);
  });

  it('move: an array spanning its whole buffer goes as it is; a view is still copied', () => {
    const whole = new Uint8Array(16);
    const memory = new Uint8Array(64);
    const transfer: ArrayBuffer[] = [];
    expect(exactCopies(whole, transfer, 'move')).toBe(whole);
    expect(exactCopies(memory.subarray(1, 3), transfer, 'move').buffer.byteLength).toBe(2);
    expect(transfer[0]).toBe(whole.buffer);
  });
});
