// The exact argv each trust store would run (Windows and macOS cannot run here: their commands are checked as data).
import { describe, expect, it } from 'vitest';
import { CA_NICKNAME, macos, nss, parseMacSha1, windows } from './commands.js';
import { macosStore, nssStore, windowsStore, type CommandRunner } from './trust.js';
import type { Command } from './commands.js';

const SHA1 = 'AB'.repeat(20);

function recorder(reply: (c: Command) => { code: number; stdout?: string } = () => ({ code: 0 })): { run: CommandRunner; seen: Command[] } {
  const seen: Command[] = [];
  return { seen, run: async (c) => (seen.push(c), { stdout: '', stderr: '', ...reply(c) }) };
}

describe('trust-store commands', () => {
  it('windows_install_usesCurrentUserRootStore', () => {
    expect(windows.add('C:\\data\\tls\\ca.pem')).toEqual({ cmd: 'certutil', args: ['-user', '-addstore', 'Root', 'C:\\data\\tls\\ca.pem'] });
    expect(windows.remove(SHA1)).toEqual({ cmd: 'certutil', args: ['-user', '-delstore', 'Root', SHA1.toLowerCase()] });
    expect(windows.show(SHA1).args).toEqual(['-user', '-verifystore', 'Root', SHA1.toLowerCase()]);
  });

  it('macos_install_addsTrustRootToLoginKeychain', () => {
    expect(macos.add('/Users/u', '/x/ca.pem')).toEqual({ cmd: 'security', args: ['add-trusted-cert', '-r', 'trustRoot', '-k', '/Users/u/Library/Keychains/login.keychain-db', '/x/ca.pem'] });
    expect(macos.remove('/Users/u', SHA1.toLowerCase())).toEqual({ cmd: 'security', args: ['delete-certificate', '-Z', SHA1, '/Users/u/Library/Keychains/login.keychain-db'] });
    expect(macos.show('/Users/u').args).toEqual(['find-certificate', '-a', '-Z', '-c', CA_NICKNAME, '/Users/u/Library/Keychains/login.keychain-db']);
    expect(parseMacSha1(`SHA-256 hash: ${'11'.repeat(32)}\nSHA-1 hash: ${SHA1.toLowerCase()}\n`)).toEqual([SHA1]);
  });

  it('nss_install_trustsAsSslCaUnderOurNickname', () => {
    expect(nss.add('/h/.pki/nssdb', '/d/ca.pem')).toEqual({ cmd: 'certutil', args: ['-A', '-t', 'C,,', '-n', 'kyso-agent local CA', '-i', '/d/ca.pem', '-d', 'sql:/h/.pki/nssdb'] });
    expect(nss.createDb('/h/.pki/nssdb').args).toEqual(['-N', '--empty-password', '-d', 'sql:/h/.pki/nssdb']);
    expect(nss.remove('/h/.pki/nssdb').args).toEqual(['-D', '-n', 'kyso-agent local CA', '-d', 'sql:/h/.pki/nssdb']);
  });

  it('windowsStore_uninstall_removesEveryCaWeIssued', async () => {
    const r = recorder();
    await windowsStore(r.run).uninstall('ca.pem', ['aa'.repeat(20), 'bb'.repeat(20)]);
    expect(r.seen.map((c) => c.args.at(-1))).toEqual(['aa'.repeat(20), 'bb'.repeat(20)]);
  });

  it('windowsStore_install_failure_isReported', async () => {
    const r = recorder(() => ({ code: 5 }));
    await expect(windowsStore(r.run).install('ca.pem')).rejects.toThrow(/exit 5/);
  });

  it('macosStore_uninstall_dropsTrustThenCertificates', async () => {
    const r = recorder();
    await macosStore('/Users/u', r.run).uninstall('/nonexistent/ca.pem', [SHA1]);
    expect(r.seen).toEqual([macos.remove('/Users/u', SHA1)]);
  });

  it('nssStore_statusWithoutDatabase_isUnavailable', async () => {
    const r = recorder();
    expect(await nssStore('/nonexistent/nssdb', 'x', true, r.run).status('')).toBe('unavailable');
    expect(r.seen).toEqual([]);
  });
});
