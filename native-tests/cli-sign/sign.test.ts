// `kyso-agent sign` / `verify` in-process on the real SoftHSM2 fixture, outputs checked by pdfsig, xmlsec1 and openssl.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { run } from '../../agent/cli/main.js';
import type { SignIo } from '../../agent/cli/sign.js';
import { startLocalTsa } from '../signing/tsa-server.js';

const execFileP = promisify(execFile);
const kyso = inject('kyso');

interface Captured {
  code: number;
  out: string;
  err: string;
}

let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kyso-cli-sign-home-'));
  // SoftHSM2 reads its configuration from the real process environment at C_Initialize.
  process.env.SOFTHSM2_CONF = kyso.softhsm.conf;
  process.env.KYSO_PKCS11_MODULES = kyso.softhsm.module;
  process.env.KYSO_AGENT_HOME = home;
  process.env.KYSO_AGENT_POLICY = join(home, 'no-policy.json');
});

/** Runs the CLI in-process with `stdin` as the PIN source; never a TTY. */
async function cli(argv: string[], stdin = ''): Promise<Captured> {
  let out = '';
  let err = '';
  const io: SignIo = {
    out: (t) => void (out += `${t}\n`),
    err: (t) => void (err += `${t}\n`),
    env: process.env,
    stdin: Readable.from([Buffer.from(stdin)]),
    tty: null,
  };
  const code = await run(argv, io);
  return { code, out, err };
}

async function tool(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { maxBuffer: 64 << 20 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const x = e as { code: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, out: (x.stdout ?? '') + (x.stderr ?? '') };
  }
}

async function makePdf(title: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText(title, { x: 50, y: 780, size: 14, font });
  return doc.save({ useObjectStreams: false });
}

async function tempDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `kyso-cli-sign-${name}-`));
}

const citizen = () => kyso.pki.certs.citizen;
const logText = async (): Promise<string> => readFile(join(home, 'logs', 'cli', 'agent.log'), 'utf8').catch(() => '');

describe('kyso-agent sign pdf', () => {
  it('signs 3 PDFs with one PIN, reports the broken one, never touches inputs or earlier outputs', async () => {
    const inDir = await tempDir('in');
    const outDir = await tempDir('out');
    const inputs: Record<string, Uint8Array> = {};
    for (const n of ['hop-dong', 'bien-ban', 'to-trinh']) inputs[n] = await makePdf(`Van ban ${n}`);
    inputs.broken = new Uint8Array(Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog\nthis is not a pdf\n'));
    const paths = await Promise.all(Object.entries(inputs).map(async ([n, b]) => {
      const p = join(inDir, `${n}.pdf`);
      await writeFile(p, b);
      return p;
    }));
    const pin = kyso.softhsm.tokens.A.pin;
    const argv = ['sign', 'pdf', ...paths, '--cert', citizen().thumbprintSha256.toUpperCase(), '--out', outDir, '--pin-stdin', '--reason', 'Phê duyệt', '--location', 'Hà Nội'];
    const first = await cli(argv, `${pin}\n`);
    expect(first.code, first.err + first.out).toBe(1);
    expect(first.out).toContain('Signed 3 of 4 files, 1 failed');
    expect(first.out).toMatch(/broken\.pdf: DOCUMENT_INVALID — \S/);
    expect(first.err + first.out).not.toContain(pin);

    const produced = (await readdir(outDir)).sort();
    expect(produced).toEqual(['bien-ban-signed.pdf', 'hop-dong-signed.pdf', 'to-trinh-signed.pdf']);
    for (const f of produced) {
      const r = await tool('pdfsig', ['-nocert', join(outDir, f)]);
      expect(r.out, f).toContain('Signature Validation: Signature is Valid.');
      expect(r.out).toContain(citizen().commonName);
    }
    for (const [n, b] of Object.entries(inputs)) expect(Buffer.from(await readFile(join(inDir, `${n}.pdf`))).equals(Buffer.from(b))).toBe(true);

    const verified = await cli(['verify', '--json', '--trust', kyso.pki.rootCertFile, ...produced.map((f) => join(outDir, f))]);
    // The demo PKI publishes no OCSP/CRL: every check passes but the revocation status, which cannot be determined
    // (the verdict "cannot determine", exit 1, docs/trust.md "Verification").
    expect(verified.code, verified.out + verified.err).toBe(1);
    const report = JSON.parse(verified.out) as { ok: boolean; files: Array<{ ok: boolean; report: { reason: string } | null; signatures: Array<{ signer: string; integrity: boolean; chainValid: boolean; coversWholeDocument: boolean }> }> };
    expect(report.files.map((f) => f.report?.reason)).toEqual(produced.map(() => 'STATUS_UNKNOWN'));
    for (const f of report.files) {
      expect(f.signatures).toHaveLength(1);
      expect(f.signatures[0]).toMatchObject({ signer: citizen().commonName, integrity: true, chainValid: true, coversWholeDocument: true });
    }

    // Second run: new names, earlier outputs byte-identical.
    const before = await Promise.all(produced.map((f) => readFile(join(outDir, f))));
    const second = await cli(argv.filter((a) => !a.endsWith('broken.pdf')), `${pin}\n`);
    expect(second.code, second.err).toBe(0);
    expect((await readdir(outDir)).sort()).toEqual(['bien-ban-signed-2.pdf', 'bien-ban-signed.pdf', 'hop-dong-signed-2.pdf', 'hop-dong-signed.pdf', 'to-trinh-signed-2.pdf', 'to-trinh-signed.pdf']);
    for (const [i, f] of produced.entries()) expect(Buffer.from(await readFile(join(outDir, f))).equals(before[i]!)).toBe(true);

    // A signed file changed after signing fails verification (exit 1).
    const tampered = Buffer.from(before[0]!);
    // pdf-lib's binary comment line after the header: still a readable PDF, but inside the signed range.
    expect(tampered.subarray(0, 10).toString('latin1')).toBe('%PDF-1.7\n%');
    tampered[10] = tampered[10]! ^ 0x01;
    const tamperedPath = join(inDir, 'tampered.pdf');
    await writeFile(tamperedPath, tampered);
    const bad = await cli(['verify', tamperedPath]);
    expect(bad.code).toBe(1);
    // The report is in Vietnamese (English with --lang en): the verdict and the integrity row say what happened.
    expect(bad.out).toContain('KHÔNG HỢP LỆ');
    expect(bad.out).toContain('ĐÃ BỊ THAY ĐỔI sau khi ký');

    const log = await logText();
    expect(log).toContain('cli.sign.done');
    expect(log).not.toContain(pin);
  });
});

describe('kyso-agent sign xml and cms', () => {
  it('signs the e-invoice sample (einvoice profile): xmlsec1 and verify accept it', async () => {
    const outDir = await tempDir('xml');
    const sample = join(import.meta.dirname, '..', 'signing', 'samples', 'einvoice.xml');
    const r = await cli(['sign', 'xml', sample, '--profile', 'einvoice', '--cert', citizen().thumbprintSha256, '--out', outDir, '--pin-stdin'], `${kyso.softhsm.tokens.A.pin}\n`);
    expect(r.code, r.err + r.out).toBe(0);
    const out = join(outDir, 'einvoice-signed.xml');
    const x = await tool('xmlsec1', ['--verify', '--trusted-pem', kyso.pki.rootCertFile, '--untrusted-pem', kyso.pki.caCertFile, '--id-attr:Id', 'DLHDon', out]);
    expect(x.code, x.out).toBe(0);
    expect(x.out).toContain('OK');
    const v = await cli(['verify', '--json', '--trust', kyso.pki.chainFile, out]);
    expect(v.code, v.out).toBe(1);
    expect(JSON.parse(v.out)).toMatchObject({ files: [{ format: 'xml', report: { reason: 'STATUS_UNKNOWN' }, signatures: [{ integrity: true, chainValid: true }] }] });
  });

  it('signs detached and attached CMS: openssl cms -verify and verify accept them', async () => {
    const inDir = await tempDir('cms-in');
    const outDir = await tempDir('cms-out');
    const data = join(inDir, 'to-khai.txt');
    await writeFile(data, 'Tờ khai thuế GTGT quý 1/2025\n');
    const pin = `${kyso.softhsm.tokens.A.pin}\n`;
    const detached = await cli(['sign', 'cms', data, '--detached', '--cert', citizen().thumbprintSha256, '--out', outDir, '--pin-stdin'], pin);
    expect(detached.code, detached.err).toBe(0);
    const attached = await cli(['sign', 'cms', data, '--attached', '--cert', citizen().thumbprintSha256, '--out', outDir, '--pin-stdin'], pin);
    expect(attached.code, attached.err).toBe(0);
    const p7s = join(outDir, 'to-khai.txt.p7s');
    const p7m = join(outDir, 'to-khai.txt.p7m');
    const common = ['-binary', '-inform', 'DER', '-CAfile', kyso.pki.chainFile, '-purpose', 'any', '-out', '/dev/null'];
    expect((await tool('openssl', ['cms', '-verify', '-in', p7s, '-content', data, ...common])).code).toBe(0);
    expect((await tool('openssl', ['cms', '-verify', '-in', p7m, ...common])).code).toBe(0);
    const v = await cli(['verify', '--json', '--trust', kyso.pki.rootCertFile, '--content', data, p7s, p7m]);
    expect(v.code, v.out).toBe(1);
    expect(JSON.parse(v.out)).toMatchObject({ files: [
      { report: { reason: 'STATUS_UNKNOWN' }, signatures: [{ integrity: true, chainValid: true }] },
      { report: { reason: 'STATUS_UNKNOWN' }, signatures: [{ integrity: true, chainValid: true }] },
    ] });
    // Detached without its content cannot verify: exit 1.
    const lone = await cli(['verify', p7s]);
    expect(lone.code).toBe(1);
  });
});

describe('kyso-agent sign pdf --tsa (PAdES B-T)', () => {
  it('timestamps through a local TSA; verify reports the timestamp valid and pdfsig the signature valid', async () => {
    const tsa = await startLocalTsa();
    try {
      const dir = await tempDir('bt');
      const pdf = join(dir, 'bt.pdf');
      await writeFile(pdf, await makePdf('B-T'));
      const r = await cli(['sign', 'pdf', pdf, '--tsa', tsa.url, '--cert', citizen().thumbprintSha256, '--out', dir, '--pin-stdin'], `${kyso.softhsm.tokens.A.pin}\n`);
      expect(r.code, r.err).toBe(0);
      const out = join(dir, 'bt-signed.pdf');
      expect((await tool('pdfsig', ['-nocert', out])).out).toContain('Signature Validation: Signature is Valid.');
      const v = await cli(['verify', '--json', '--trust', kyso.pki.rootCertFile, '--trust', tsa.chainFile, out]);
      expect(v.code, v.out).toBe(1);
      expect(JSON.parse(v.out)).toMatchObject({ files: [{ report: { reason: 'STATUS_UNKNOWN' } }] });
      const sig = (JSON.parse(v.out) as { files: Array<{ signatures: Array<{ timestamp: { valid: boolean; time: string } | null }> }> }).files[0]!.signatures[0]!;
      expect(sig.timestamp?.valid).toBe(true);
      expect(Math.abs(Date.parse(sig.timestamp!.time) - Date.now())).toBeLessThan(120_000);
    } finally {
      await tsa.close();
    }
  });
});

describe('kyso-agent sign with a wrong PIN', () => {
  it('stops with PIN_INCORRECT after one C_Login, writes nothing, and the token still works', async () => {
    const outDir = await tempDir('wrong-pin');
    const pdf = join(outDir, 'in.pdf');
    await writeFile(pdf, await makePdf('wrong pin'));
    const logBefore = (await logText()).length;
    const wrong = '999111';
    const r = await cli(['sign', 'pdf', pdf, '--cert', kyso.pki.certs.tokenB.thumbprintSha256, '--out', outDir, '--pin-stdin'], `${wrong}\n`);
    expect(r.code).toBe(1);
    expect(r.err).toContain('PIN_INCORRECT');
    expect(r.err + r.out).not.toContain(wrong);
    expect(await readdir(outDir)).toEqual(['in.pdf']);
    const log = (await logText()).slice(logBefore);
    expect(log.match(/pkcs11\.login\.failed/g)).toHaveLength(1);
    expect(log).not.toContain('pkcs11.login.ok');
    expect(log).not.toContain(wrong);

    const ok = await cli(['sign', 'pdf', pdf, '--cert', kyso.pki.certs.tokenB.thumbprintSha256, '--out', outDir, '--pin-stdin'], `${kyso.softhsm.tokens.B.pin}\n`);
    expect(ok.code, ok.err).toBe(0);
    expect((await readdir(outDir)).sort()).toEqual(['in-signed.pdf', 'in.pdf']);
  });

  it('asks for --pin-stdin when stdin is not a terminal (exit 2) and rejects an unknown certificate (exit 1)', async () => {
    const outDir = await tempDir('usage');
    const pdf = join(outDir, 'a.pdf');
    await writeFile(pdf, await makePdf('usage'));
    const noPin = await cli(['sign', 'pdf', pdf, '--cert', citizen().thumbprintSha256, '--out', outDir]);
    expect(noPin.code).toBe(2);
    expect(noPin.err).toContain('--pin-stdin');
    const unknown = await cli(['sign', 'pdf', pdf, '--cert', 'ab'.repeat(32), '--out', outDir, '--pin-stdin'], '123\n');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('CERTIFICATE_NOT_FOUND');
  });
});
