// Unit tests of `kyso-agent sign` argument parsing and timestamp-level resolution.
import { describe, expect, it } from 'vitest';
import { normaliseThumbprint, parseRect, parseSignArgs, timestampUrl, UsageError } from './sign-args.js';

const T = 'AB:'.repeat(31) + 'AB';
const base = (format: string, ...rest: string[]) => [format, 'a.' + format, '--cert', T, '--out', 'out', ...rest];
const usage = (argv: string[]) => {
  try {
    parseSignArgs(argv, () => new Uint8Array([1, 2, 3]));
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('no UsageError');
};

describe('parseSignArgs', () => {
  it('parse_pdfWithAppearanceFlags_buildsThePlan', () => {
    const p = parseSignArgs(base('pdf', '--page', 'last', '--rect', '10, 20,200,50', '--reason', 'Phê duyệt', '--text', 'Dòng 1\\nDòng 2', '--hash', 'sha-384', '--pin-stdin', 'b.pdf'));
    expect(p.format).toBe('pdf');
    expect(p.files).toEqual(['a.pdf', 'b.pdf']);
    expect(p.thumbprint).toBe('ab'.repeat(32));
    expect(p.pinStdin).toBe(true);
    expect(p.hashAlgorithm).toBe('SHA-384');
    expect(p.pdf).toMatchObject({ visible: true, page: 'last', rect: [10, 20, 200, 50], reason: 'Phê duyệt', text: 'Dòng 1\nDòng 2' });
  });

  it('parse_defaults_areThoseOfTheContract', () => {
    const p = parseSignArgs(base('cms'));
    expect(p.hashAlgorithm).toBe('SHA-256');
    expect(p.cms).toEqual({ detached: true, signingTime: true });
    expect(parseSignArgs(base('cms', '--attached')).cms).toEqual({ detached: false, signingTime: true });
    expect(p.pinStdin).toBe(false);
    expect(parseSignArgs(base('xml')).xml).toEqual({ profile: 'enveloped' });
  });

  it('parse_xmlAndCmsFlags', () => {
    const x = parseSignArgs(base('xml', '--profile', 'einvoice', '--reference-id', 'data', '--c14n', 'exc-c14n', '--no-signing-time'));
    expect(x.xml).toEqual({ profile: 'einvoice', referenceId: 'data', c14n: 'exc-c14n', signingTime: false });
    expect(parseSignArgs(base('cms', '--detached', '--no-signing-time')).cms).toEqual({ detached: true, signingTime: false });
  });

  it('parse_imageFlag_readsTheFile', () => {
    expect(parseSignArgs(base('pdf', '--image', 'logo.png'), () => Uint8Array.of(9)).pdf.image).toEqual(Uint8Array.of(9));
    expect(() => parseSignArgs(base('pdf', '--image', 'x.png'), () => { throw new Error('ENOENT'); })).toThrow(/--image/);
  });

  it.each([
    [['pdf'], /format|tệp|file/],
    [['doc', 'a', '--cert', T, '--out', 'o'], /pdf, xml, cms/],
    [['pdf', 'a.pdf', '--out', 'o'], /--cert/],
    [['pdf', 'a.pdf', '--cert', T], /--out/],
    [['pdf', 'a.pdf', '--cert', 'abc', '--out', 'o'], /64/],
    [base('pdf', '--profile', 'einvoice'), /--profile.*xml/],
    [base('xml', '--rect', '1,2,3,4'), /--rect.*pdf/],
    [base('pdf', '--detached'), /--detached.*cms/],
    [base('pdf', '--rect', '1,2,0,4'), /--rect/],
    [base('pdf', '--rect', '1,2,3'), /--rect/],
    [base('pdf', '--page', '0'), /--page/],
    [base('pdf', '--invisible', '--page', '2'), /--invisible/],
    [base('pdf', '--level', 'B-LTB'), /--level/],
    [base('pdf', '--tsa', 'file:///etc/passwd'), /--tsa/],
    [base('pdf', '--tsa', 'http://u:p@tsa.example'), /--tsa/],
    [base('pdf', '--reason', 'a\u0007b'), /--reason/],
    [base('pdf', '--field-name', 'a.b'), /--field-name/],
    [base('pdf', '--no-signing-time'), /PDF/],
    [base('cms', '--detached', '--attached'), /--detached/],
    [base('xml', '--signing-time', '--no-signing-time'), /--signing-time/],
    [base('xml', '--reference-id', '1abc'), /--reference-id/],
    [base('pdf', '--bogus'), /bogus/],
  ])('parse_%j_isAUsageError', (argv, message) => {
    expect(usage(argv)).toMatch(message);
  });
});

describe('helpers', () => {
  it('normaliseThumbprint_acceptsColonsAndSpaces', () => {
    expect(normaliseThumbprint(`${'0A '.repeat(31)}0A`)).toBe('0a'.repeat(32));
    expect(() => normaliseThumbprint('0a'.repeat(31))).toThrow(UsageError);
  });
  it('parseRect_needsFourFiniteNumbers', () => {
    expect(parseRect('0,0,1.5,2')).toEqual([0, 0, 1.5, 2]);
    expect(() => parseRect('a,b,c,d')).toThrow(UsageError);
    expect(() => parseRect('1,,2,3')).toThrow(UsageError);
  });
  it('timestampUrl_tsaImpliesBT_BTFallsBackToPolicy', () => {
    expect(timestampUrl(parseSignArgs(base('pdf')), undefined)).toBeUndefined();
    expect(timestampUrl(parseSignArgs(base('pdf', '--tsa', 'http://tsa.test/')), undefined)).toBe('http://tsa.test/');
    expect(timestampUrl(parseSignArgs(base('pdf', '--level', 'B-T')), 'http://policy.tsa/')).toBe('http://policy.tsa/');
    expect(() => timestampUrl(parseSignArgs(base('pdf', '--level', 'B-T')), undefined)).toThrow(/B-T/);
    expect(() => timestampUrl(parseSignArgs(base('pdf', '--level', 'B-B', '--tsa', 'http://t/')), undefined)).toThrow(/B-B/);
    expect(parseSignArgs(base('pdf', '--level', 'B-LTA')).pdf.level).toBe('B-LTA');
    expect(() => timestampUrl(parseSignArgs(base('pdf', '--level', 'B-LT')), undefined)).toThrow(/--level B-LT needs --tsa/);
    expect(() => timestampUrl(parseSignArgs(base('xml', '--tsa', 'http://t/')), undefined)).toThrow(/XML/);
    expect(timestampUrl(parseSignArgs(base('cms', '--tsa', 'http://t/')), 'http://p/')).toBe('http://t/');
  });
});
