import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/harness.js';
import { SettingsCell } from '../settings.js';
import type { ConnectionContext } from '../ports.js';
import { doorRefusal, HTTP_ONCE_IDLE_MS, normaliseOrigin, OriginAccess } from './origins.js';
import { DEFAULT_POLICY, type Policy } from './policy.js';

describe('normaliseOrigin', () => {
  it.each([
    ['https://portal.example', 'https://portal.example'],
    ['HTTPS://Portal.Example', 'https://portal.example'],
    ['https://portal.example:443', 'https://portal.example'],
    ['http://portal.example:80', 'http://portal.example'],
    ['https://portal.example:8443', 'https://portal.example:8443'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
    ['https://xn--hoadon-6wa.vn', 'https://xn--hoadon-6wa.vn'],
    ['https://portal.example/', 'https://portal.example'],
    ['https://portal.example.', 'https://portal.example.'],
  ])('accepts %s as %s', (raw, expected) => {
    expect(normaliseOrigin(raw)).toBe(expected);
  });

  it.each([
    [null], [undefined], [''], ['null'], ['portal.example'], ['ftp://portal.example'], ['file://'], ['chrome-extension://abc'],
    ['https://portal.example/path'], ['https://portal.example?x=1'], ['https://user@portal.example'], ['https://portal.example#a'],
    ['https://portal .example'], ['https://portal.example\t'], ['https://hóađơn.vn'], ['https://0x7f.1'], ['https://ex%61mple.com'],
    ['https://portal.example:99999'], ['https:portal.example'], ['https:///portal.example'], ['https://'], [`https://${'a'.repeat(3000)}.com`],
  ])('refuses %s', (raw) => {
    expect(normaliseOrigin(raw as string | null | undefined)).toBeNull();
  });

  it('keeps trailing-dot, other port, other scheme and look-alikes distinct', () => {
    const base = normaliseOrigin('https://allowed.example');
    for (const other of ['https://allowed.example.', 'http://allowed.example', 'https://allowed.example:8443', 'https://allowed.example.evil',
      'https://evil.allowed.example', 'https://xn--llowed-xwe.example' /* Cyrillic а */]) {
      expect(normaliseOrigin(other)).not.toBe(base);
      expect(normaliseOrigin(other)).not.toBeNull();
    }
  });
});

function setup(policy: Partial<Policy> = {}) {
  const clock = new ManualClock();
  const settings = SettingsCell.inMemory();
  const access = new OriginAccess({ ...DEFAULT_POLICY, ...policy }, settings, clock);
  const conn = (origin: string, transport: ConnectionContext['transport'] = 'ws'): ConnectionContext => ({ origin, transport, signal: new AbortController().signal });
  return { clock, settings, access, conn };
}

describe('OriginAccess', () => {
  it('classify_combinesPolicyAndUser', async () => {
    const { access } = setup({ allowedOrigins: ['https://allowed.example'], blockedOrigins: ['https://bad.example'] });
    expect(access.classify('https://allowed.example')).toBe('approved');
    expect(access.classify('https://ALLOWED.example:443')).toBe('approved');
    expect(access.classify('https://allowed.example.evil')).toBe('pairable');
    expect(access.classify('https://bad.example')).toBe('blocked');
    expect(access.classify('null')).toBe('blocked');
    expect(access.classify(undefined)).toBe('blocked');
    expect(access.classify('http://insecure.example')).toBe('unknown');
    expect(access.classify('http://localhost:3000')).toBe('pairable');
    await access.approveAlways('https://user.example');
    expect(access.classify('https://user.example')).toBe('approved');
    await access.block('https://allowed.example');
    expect(access.classify('https://allowed.example')).toBe('blocked');
    await access.revoke('https://allowed.example');
    expect(access.classify('https://allowed.example')).toBe('approved');
  });

  it('classify_whenPairingOff_unknownOriginsCannotPair', () => {
    const { access } = setup({ allowPairing: false });
    expect(access.classify('https://new.example')).toBe('unknown');
  });

  it('approveOnce_onWebSocket_livesWithThatConnectionOnly', () => {
    const { access, conn } = setup();
    const a = conn('https://p.example');
    const b = conn('https://p.example');
    access.approveOnce(a);
    expect(access.classify('https://p.example', a)).toBe('approved');
    expect(access.classify('https://p.example', b)).toBe('pairable');
    expect(access.classify('https://p.example')).toBe('pairable');
  });

  it('approveOnce_overHttp_expiresWhenIdle', () => {
    const { access, conn, clock } = setup();
    access.approveOnce(conn('https://p.example', 'http'));
    expect(access.classify('https://p.example', conn('https://p.example', 'http'))).toBe('approved');
    clock.advance(HTTP_ONCE_IDLE_MS + 1);
    expect(access.classify('https://p.example', conn('https://p.example', 'http'))).toBe('pairable');
  });

  it('block_dropsApprovalAndIsPersisted', async () => {
    const { access, settings } = setup();
    await access.approveAlways('https://p.example');
    await access.block('https://p.example');
    expect(settings.get().approvedOrigins).toEqual([]);
    expect(settings.get().blockedOrigins).toEqual(['https://p.example']);
    expect(access.list().blocked).toEqual(['https://p.example']);
  });
});

describe('headerOrigin', () => {
  it('accepts only the exact form browsers send; policy entries stay lenient', async () => {
    const { headerOrigin } = await import('./origin-name.js');
    expect(headerOrigin('https://portal.example.vn')).toBe('https://portal.example.vn');
    expect(headerOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    for (const bad of ['https://portal.example.vn:443', 'http://portal.example.vn:80', 'HTTPS://Portal.Example.VN', 'https://portal.example.vn/', 'https://portal.example.vn\t', ' https://portal.example.vn', 'https://portal.example.vn/x']) {
      expect(headerOrigin(bad)).toBeNull();
    }
    expect(normaliseOrigin('https://portal.example.vn:443')).toBe('https://portal.example.vn');
  });
});

describe('doorRefusal: the one door rule of the listeners and the extension relay', () => {
  it('blocked always; unknown only with pairing off; approved and pairable never', () => {
    expect(doorRefusal('blocked', undefined)).toBe('blocked');
    expect(doorRefusal('blocked', true)).toBe('blocked');
    expect(doorRefusal('unknown', false)).toBe('not-pairable');
    expect(doorRefusal('unknown', true)).toBeNull();
    expect(doorRefusal('unknown', undefined)).toBeNull();
    expect(doorRefusal('approved', false)).toBeNull();
    expect(doorRefusal('pairable', false)).toBeNull();
  });
});
