import { describe, expect, it } from 'vitest';
import { isNonPublicAddress } from './address.js';

describe('isNonPublicAddress', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0',
    '100.64.0.1', '224.0.0.1', '255.255.255.255', '192.0.2.7', '198.51.100.7', '203.0.113.5', '192.88.99.1',
    '::1', '::', 'fe80::1', 'fe80::1%eth0', 'fd00::1', 'fc12:3456::1', 'ff02::1', 'not-an-ip', '',
  ])('%s is refused', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });

  it.each([
    // IPv4-mapped and IPv4-compatible, both spellings.
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '::127.0.0.1', '::a00:1',
    // IPv4-translated ::ffff:0:a.b.c.d (RFC 2765 / SIIT).
    '::ffff:0:127.0.0.1', '::ffff:0:10.0.0.1', '::ffff:0:7f00:1', '0:0:0:0:ffff:0:c0a8:101',
    // Well-known NAT64 64:ff9b::/96 with an embedded non-public IPv4.
    '64:ff9b::a00:1', '64:ff9b::127.0.0.1', '64:ff9b::192.168.1.1', '64:ff9b::a9fe:a9fe',
    // Local-use NAT64 64:ff9b:1::/48 (RFC 8215): a translator inside the site, whatever the IPv4 part.
    '64:ff9b:1::1', '64:ff9b:1::8.8.8.8', '64:ff9b:1:abcd::808:808',
    // 6to4 2002::/16 embedding a non-public IPv4.
    '2002:7f00:1::1', '2002:a00:1::', '2002:c0a8:101:1::1', '2002:a9fe:a9fe::1',
    // Teredo 2001::/32: server or (obfuscated) client IPv4 non-public. 127.0.0.1 obfuscated is 80ff:fffe.
    '2001:0:a00:1::1', '2001:0:4136:e378:8000:63bf:80ff:fffe', '2001:0:4136:e378:8000:63bf:f5ff:fffe',
    // Site-local fec0::/10 (deprecated but still routed inside sites).
    'fec0::1', 'feff::1', 'fec0:0:0:ffff::1',
    // Other reserved and documentation ranges.
    '100::1', '2001:db8::1', '2001:2::1', '2001:10::1', '3fff::1', '::2', '1::1',
  ])('%s (IPv6 form of a non-public address) is refused', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8', '203.162.4.190', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8', '::ffff:0:8.8.8.8',
    '64:ff9b::808:808', '64:ff9b::8.8.8.8', '2002:808:808::1', '2001:0:4136:e378:8000:63bf:f7f7:f7f7', '2a00:1450::1',
  ])('%s is public', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(false);
  });
});
