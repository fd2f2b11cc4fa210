// Punycode decoding against RFC 3492 samples and the Node implementation, plus origin display.
import { describe, expect, it } from 'vitest';
import { describeOrigin, hostToUnicode, punycodeDecode } from './punycode.js';

describe('punycodeDecode', () => {
  it('decodes RFC 3492 samples', () => {
    expect(punycodeDecode('TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g')).toBe('TạisaohọkhôngthểchỉnóitiếngViệt');
    expect(punycodeDecode('egbpdaj6bu4bxfgehfvwxn')).toBe('ليهمابتكلموشعربي؟');
    expect(punycodeDecode('-> $1.00 <--')).toBe('-> $1.00 <-');
  });
  it('rejects malformed input', () => {
    expect(() => punycodeDecode('a-!!')).toThrow();
    expect(() => punycodeDecode('ü-abc')).toThrow();
  });
});

describe('hostToUnicode / describeOrigin', () => {
  it('decodes xn-- labels of Vietnamese hosts', () => {
    expect(hostToUnicode('xn--bcher-kva.example')).toBe('bücher.example');
    const ascii = new URL('https://dịchvụcông.vn').hostname;
    expect(hostToUnicode(ascii)).toBe('dịchvụcông.vn');
  });
  it('flags non-ASCII hosts and keeps ASCII origins plain', () => {
    const host = new URL('https://аpple.com').hostname; // Cyrillic а
    const d = describeOrigin(`https://${host}:8443`);
    expect(d.unicode).toBe('https://аpple.com:8443');
    expect(d.lookalike).toBe(true);
    expect(describeOrigin('https://dichvucong.gov.vn')).toEqual({ raw: 'https://dichvucong.gov.vn', lookalike: false });
    expect(describeOrigin('https://xn--zz-!!.vn').lookalike).toBe(true);
  });
});
