// Attached CMS of 20 MiB and 100 MiB (four-byte ASN.1 lengths): openssl signs, `kyso-agent verify` verifies, and a
// changed byte in the content is caught.
import { execFile } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verifyFile } from '../../agent/cli/verify.js';
import { createDocumentVerifier, verifyCms } from '../../agent/signing/index.js';
import { workDir } from '../signing/helpers.js';

const execFileP = promisify(execFile);

describe('large attached CMS', () => {
  it.each([20, 100])('verify_attached%iMiB_valid_andTamperDetected', async (mib) => {
    const w = await workDir('cms-large');
    try {
      const key = join(w.dir, 'k.pem'), cert = join(w.dir, 'c.pem'), data = join(w.dir, 'd.bin'), p7m = join(w.dir, 'd.p7m');
      await execFileP('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=Hoa don lon']);
      await execFileP('sh', ['-c', `head -c ${mib * 1024 * 1024} /dev/urandom > ${data}`]);
      await execFileP('openssl', ['cms', '-sign', '-binary', '-nodetach', '-nosmimecap', '-in', data, '-signer', cert, '-inkey', key, '-outform', 'DER', '-out', p7m]);
      const head = (await readFile(p7m)).subarray(0, 2);
      expect([...head]).toEqual([0x30, 0x84]); // four-byte length
      const view = await verifyFile(p7m, undefined, createDocumentVerifier({ anchors: () => [], offline: true }));
      expect(view.error, JSON.stringify(view.error)).toBeNull();
      expect(view.format).toBe('cms');
      expect(view.signatures.map((s) => s.integrity)).toEqual([true]);
      // One byte of the content changed: the messageDigest no longer matches.
      const f = await open(p7m, 'r+');
      const b = Buffer.alloc(1);
      await f.read(b, 0, 1, 4096);
      b[0] = b[0]! ^ 0xff;
      await f.write(b, 0, 1, 4096);
      await f.close();
      const bad = await verifyCms(new Uint8Array(await readFile(p7m)));
      expect(bad.map((s) => s.integrity)).toEqual([false]);
      expect(bad[0]!.problem).toMatch(/messageDigest/);
    } finally {
      await w.cleanup();
    }
  }, 300_000);
});
