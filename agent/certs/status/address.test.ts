import { describe, expect, it } from 'vitest';
import { isNonPublicAddress } from './address.js';

describe('isNonPublicAddress', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0',
    '100.64.0.1', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', 'fc12:3456::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a00:1', 'not-an-ip',
  ])('%s is refused', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });
  it.each(['8.8.8.8', '203.162.4.190', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('%s is public', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(false);
  });
});
