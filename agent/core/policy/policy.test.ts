import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, jsonPath, parsePolicy, SAFEST_POLICY } from './policy.js';

describe('parsePolicy', () => {
  it('empty object gives the defaults', () => {
    expect(parsePolicy('{}')).toEqual({ ok: true, warnings: [], policy: { ...DEFAULT_POLICY } });
  });
  it('full policy is read and origins normalised', () => {
    const r = parsePolicy(JSON.stringify({
      allowedOrigins: ['HTTPS://Portal.Example:443'], blockedOrigins: ['https://bad.example'], allowPairing: false,
      modules: [{ name: 'VNPT', path: '/usr/lib/vnpt.so' }, { name: 'Win', path: 'C:\\Windows\\System32\\x.dll' }, { name: 'NSS', path: '/usr/lib/libsoftokn3.so', libraryParameters: "configdir='sql:/x'" }],
      plainPort: true, compat: { vnpt: false }, signing: { requirePinEveryTime: true, pinSessionMinutes: 10, allowHashOnly: false, revocationCheck: 'require', minRsaBits: 3072, sha1: 'refuse' },
      trust: { anchors: ['/etc/kyso/anchor.pem'], fetchPrivateAddresses: true },
      tsa: { url: 'http://tsa.example/tsr' }, language: 'en',
    }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.allowedOrigins).toEqual(['https://portal.example']);
    expect(r.policy.signing).toEqual({ requirePinEveryTime: true, pinSessionMinutes: 10, allowHashOnly: false, revocationCheck: 'require', minRsaBits: 3072, sha1: 'refuse' });
    expect(r.policy.trust).toEqual({ anchors: ['/etc/kyso/anchor.pem'], fetchPrivateAddresses: true });
    expect(parsePolicy('{"signing":{"sha1":"maybe"}}').ok).toBe(false);
    expect(r.policy.tsa).toEqual({ url: 'http://tsa.example/tsr' });
    expect(r.policy.compat.vnpt).toBe(false);
    expect(r.policy.modules[2]).toEqual({ name: 'NSS', path: '/usr/lib/libsoftokn3.so', libraryParameters: "configdir='sql:/x'" });
  });
  it('trust and status settings default to warn, 2048 bits, no anchors, no private addresses; bad values are refused', () => {
    const d = parsePolicy('{}');
    expect(d.ok && d.policy.signing.revocationCheck).toBe('warn');
    expect(d.ok && d.policy.signing.minRsaBits).toBe(2048);
    expect(d.ok && d.policy.trust).toEqual({ anchors: [], fetchPrivateAddresses: false });
    const bad = parsePolicy(JSON.stringify({ signing: { revocationCheck: 'maybe', minRsaBits: 512 }, trust: { anchors: ['rel.pem'] } }));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.join('\n')).toMatch(/signing\.revocationCheck/);
    expect(bad.errors.join('\n')).toMatch(/signing\.minRsaBits/);
    expect(bad.errors.join('\n')).toContain('$.trust.anchors[0]: must be an absolute path');
  });
  it('errors name the path and the why', () => {
    const r = parsePolicy(JSON.stringify({ allowedOrigins: ['portal.example'], modules: [{ name: 'x', path: 'relative.so' }], allowPairng: true, signing: { pinSessionMinutes: -1 } }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.join('\n')).toContain('$.allowedOrigins[0]: not an origin');
    expect(r.errors.join('\n')).toContain('$.modules[0].path: must be an absolute path');
    expect(r.errors.join('\n')).toMatch(/unknown setting "allowPairng"/);
    expect(r.errors.join('\n')).toContain('$.signing.pinSessionMinutes');
  });
  it('unknown settings alone are ignored with a warning naming their JSON path', () => {
    const r = parsePolicy(JSON.stringify({ allowPairing: false, allowPairng: true, signing: { pinSessionMinutes: 2, pinMinutes: 9 }, future: { x: 1 } }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.allowPairing).toBe(false);
    expect(r.policy.signing.pinSessionMinutes).toBe(2);
    expect(r.warnings).toEqual(expect.arrayContaining([
      '$: unknown setting "allowPairng", "future" (ignored)',
      '$.signing: unknown setting "pinMinutes" (ignored)',
    ]));
    expect(r.warnings).toHaveLength(2);
  });
  it('jsonPath writes dots, indexes and quoted odd names', () => {
    expect(jsonPath([])).toBe('$');
    expect(jsonPath(['modules', 3, 'path'])).toBe('$.modules[3].path');
    expect(jsonPath(['a b'])).toBe('$["a b"]');
  });
  it('broken JSON and non-objects are errors', () => {
    expect(parsePolicy('{').ok).toBe(false);
    expect(parsePolicy('[]').ok).toBe(false);
    expect(parsePolicy('null').ok).toBe(false);
  });
  it('safest policy has no pairing and no plain port', () => {
    expect(SAFEST_POLICY.allowPairing).toBe(false);
    expect(SAFEST_POLICY.plainPort).toBe(false);
  });
});
