// The two bridges' document plumbing for the confirmation's page preview (docs/security.md T24).
import { describe, expect, it } from 'vitest';
import { documentPath } from './browser-bridge.js';
import { exactBuffer } from './electron-bridge.js';

describe('documentPath', () => {
  it('names the sign.pdf document, or a batch item by index, under the dialog page', () => {
    expect(documentPath('/ui/T')).toBe('/ui/T/document');
    expect(documentPath('/ui/T', 0)).toBe('/ui/T/document/0');
    expect(documentPath('/ui/T', 12)).toBe('/ui/T/document/12');
  });
});

describe('exactBuffer', () => {
  it('hands pdf.js exactly the view\'s bytes, without copying a view that spans its buffer', () => {
    const whole = new Uint8Array([1, 2, 3]);
    expect(exactBuffer(whole)).toBe(whole.buffer);
    const view = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4);
    const out = exactBuffer(view);
    expect(out.byteLength).toBe(3);
    expect([...new Uint8Array(out)]).toEqual([1, 2, 3]);
  });
});
