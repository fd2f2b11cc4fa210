import { describe, expect, it } from 'vitest';
import { PartJoiner, readRelayMessage, splitMessage, utf8Length, versionMismatchText } from './relay.js';

describe('relay protocol', () => {
  it('splitMessage_keepsEveryPieceUnderTheLimit_andJoinsBackExactly', () => {
    const text = JSON.stringify({ t: 'data', s: 1, text: `${'A'.repeat(300_000)}"\\\n${'đ'.repeat(50_000)}😀${'\u0001'.repeat(20_000)}` });
    const parts = splitMessage(text, 64 * 1024, 9);
    expect(parts.length).toBeGreaterThan(5);
    const joiner = new PartJoiner();
    let whole: string | null = null;
    for (const p of parts) {
      expect(utf8Length(p)).toBeLessThanOrEqual(64 * 1024);
      const m = readRelayMessage(JSON.parse(p));
      expect(m?.t).toBe('part');
      whole = joiner.add(m as { id: number; last: boolean; text: string });
    }
    expect(whole).toBe(text);
  });

  it('splitMessage_leavesSmallMessagesAlone', () => {
    expect(splitMessage('{"t":"close","s":1}', 1024, 1)).toEqual(['{"t":"close","s":1}']);
  });

  it('partJoiner_refusesTooMuch_andInterleavedMessages', () => {
    const j = new PartJoiner(10);
    expect(() => j.add({ id: 1, last: false, text: 'x'.repeat(11) })).toThrow('PAYLOAD_TOO_LARGE');
    const k = new PartJoiner();
    k.add({ id: 1, last: false, text: 'a' });
    expect(() => k.add({ id: 2, last: true, text: 'b' })).toThrow('PROTOCOL_ERROR');
  });

  it('readRelayMessage_isStrict', () => {
    expect(readRelayMessage({ t: 'open', s: 1, kind: 'rpc', origin: 'https://a.vn' })).toEqual({ t: 'open', s: 1, kind: 'rpc', origin: 'https://a.vn' });
    expect(readRelayMessage({ t: 'open', s: 1, kind: 'shell', origin: 'x' })).toBeNull();
    expect(readRelayMessage({ t: 'open', s: -1, kind: 'rpc', origin: 'x' })).toBeNull();
    expect(readRelayMessage({ t: 'data', s: 1, text: 5 })).toBeNull();
    expect(readRelayMessage([])).toBeNull();
    expect(readRelayMessage({ t: 'hello', relay: 1, version: '1', role: 'root' })).toBeNull();
  });

  it('versionMismatchText_namesTheOlderSide_vietnameseFirst', () => {
    const t = versionMismatchText({ role: 'host', relay: 2 }, { role: 'extension', relay: 1 });
    expect(t).toMatch(/^Phiên bản không khớp/);
    expect(t).toContain('hãy cập nhật tiện ích trình duyệt kyso-agent');
    expect(t).toContain('please update the kyso-agent browser extension');
    expect(versionMismatchText({ role: 'extension', relay: 2 }, { role: 'agent', relay: 1 })).toContain('please update kyso-agent.');
  });
});
