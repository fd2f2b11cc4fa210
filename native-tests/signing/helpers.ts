// Shared bits of the signing native tests: signers over the per-run PKI, temp files, running openssl/xmlsec1.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import type { DigestSigner } from '../../agent/core/ports.js';
import { softwareSigner } from '../../agent/signing/testing/software-signer.js';
import type { CertName } from '../fixtures/types.js';

const execFileP = promisify(execFile);

export const kyso = inject('kyso');

/** A software DigestSigner for one certificate of the per-run PKI, chain = issuing CA. */
export function fixtureSigner(name: CertName): DigestSigner {
  const c = kyso.pki.certs[name];
  if (!c.keyPem) throw new Error(`${name} has no key`);
  const caDer = new Uint8Array(Buffer.from(kyso.pki.caDerBase64, 'base64'));
  return softwareSigner(c.keyPem, new Uint8Array(Buffer.from(c.derBase64, 'base64')), [caDer]);
}

/** Runs a tool; never throws, returns the exit code and the combined output. */
export async function tool(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { maxBuffer: 64 << 20, encoding: 'buffer' });
    return { code: 0, out: stdout.toString('latin1') + stderr.toString('utf8') };
  } catch (err) {
    const e = err as { code: number; stdout?: Buffer; stderr?: Buffer };
    return { code: typeof e.code === 'number' ? e.code : -1, out: (e.stdout?.toString('latin1') ?? '') + (e.stderr?.toString('utf8') ?? '') };
  }
}

/** A fresh temp dir with helpers to write files into it. */
export async function workDir(prefix: string): Promise<{ dir: string; write(name: string, data: Uint8Array | string): Promise<string>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `kyso-${prefix}-`));
  return {
    dir,
    async write(name, data) {
      const p = join(dir, name);
      await writeFile(p, data);
      return p;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
