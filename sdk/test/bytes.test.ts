// Binary conversions of the SDK: base64 both ways, Blob/ArrayBuffer/view inputs, hex.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SignedData, fromBase64, fromHex, toBase64, toBytes, toHex } from '../src/index.js';

describe('bytes', () => {
  it('base64_roundTripsAndMatchesNode', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      const s = toBase64(b);
      expect(s).toBe(Buffer.from(b).toString('base64'));
      expect(Array.from(fromBase64(s))).toEqual(Array.from(b));
    }));
  });

  it('fromBase64_acceptsUrlSafeAndUnpadded_rejectsGarbage', () => {
    expect(Array.from(fromBase64('-_8'))).toEqual([0xfb, 0xff]);
    expect(() => fromBase64('ab$c')).toThrow(TypeError);
  });

  it('toBytes_acceptsEveryInputKind', async () => {
    const want = [1, 2, 3];
    expect(Array.from(await toBytes(new Blob([new Uint8Array(want)])))).toEqual(want);
    expect(Array.from(await toBytes(new Uint8Array(want).buffer))).toEqual(want);
    expect(Array.from(await toBytes(new DataView(new Uint8Array([0, 1, 2, 3]).buffer, 1)))).toEqual(want);
    expect(Array.from(await toBytes('AQID'))).toEqual(want);
  });

  it('hex_roundTrips', () => {
    expect(toHex(fromHex('00ff10'))).toBe('00ff10');
    expect(() => fromHex('abc')).toThrow(TypeError);
  });

  it('signedData_toBlobAndText', async () => {
    const d = new SignedData(new TextEncoder().encode('<a>ký</a>'), 'application/xml');
    expect(d.text()).toBe('<a>ký</a>');
    const blob = d.toBlob();
    expect(blob.type).toBe('application/xml');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(d.bytes);
  });
});
