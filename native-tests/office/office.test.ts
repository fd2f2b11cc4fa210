// Office (OOXML) signatures end to end on the SoftHSM2 fixture: `kyso-agent sign office` / `verify` in-process,
// every output verified by Apache POI's SignatureInfo and opened by LibreOffice (converted to PDF). Inputs are
// made here by LibreOffice, by Apache POI and by code, in Vietnamese; hostile inputs are refused.
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../agent/cli/main.js';
import type { SignIo } from '../../agent/cli/sign.js';
import { makeDocx } from '../../agent/signing/ooxml/testing/make-docx.js';
import { readZip, writeZip } from '../../agent/signing/ooxml/zip.js';
import { kyso, tool, workDir } from '../signing/helpers.js';
import { validatorJar } from '../validators/paths.js';

let dir: string;
let inputs: string[];
const PIN_A = kyso.softhsm.tokens.A.pin;

async function cli(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: SignIo = { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), env: process.env, stdin: Readable.from([Buffer.from(stdin)]), tty: null };
  const code = await run(argv, io);
  return { code, out, err };
}

/** The POI tool; its output is UTF-8 (signer names in Vietnamese). */
async function poi(...args: string[]): Promise<{ code: number; out: string }> {
  const r = await tool('java', ['-jar', validatorJar('poi'), ...args]);
  return { code: r.code, out: Buffer.from(r.out, 'latin1').toString('utf8') };
}
const soffice = (...args: string[]): Promise<{ code: number; out: string }> =>
  tool('soffice', [`-env:UserInstallation=file://${dir}/lo-profile`, '--headless', '--norestore', ...args]);
const thumb = (name: 'citizen' | 'ecPerson' | 'company'): string => kyso.pki.certs[name].thumbprintSha256;

interface Report { ok: boolean; files: Array<{ file: string; ok: boolean; format: string; error: unknown; report: { verdict: string; reason: string } | null; signatures: Array<{ signer: string; integrity: boolean; chainValid: boolean; coversWholeDocument: boolean }> }> }
async function verifyJson(files: string[]): Promise<Report> {
  const r = await cli(['verify', '--json', '--trust', kyso.pki.rootCertFile, ...files]);
  return JSON.parse(r.out) as Report;
}

async function signOffice(files: string[], cert: string, extra: string[] = [], pin = PIN_A): Promise<{ code: number; out: string; err: string; outDir: string }> {
  const out = await workDir('office-out');
  const r = await cli(['sign', 'office', ...files, '--cert', cert, '--out', out.dir, '--pin-stdin', ...extra], `${pin}\n`);
  return { ...r, outDir: out.dir };
}

beforeAll(async () => {
  process.env.SOFTHSM2_CONF = kyso.softhsm.conf;
  process.env.KYSO_PKCS11_MODULES = kyso.softhsm.module;
  const home = await workDir('office-home');
  process.env.KYSO_AGENT_HOME = home.dir;
  process.env.KYSO_AGENT_POLICY = join(home.dir, 'no-policy.json');
  const w = await workDir('office-in');
  dir = w.dir;
  // LibreOffice: HTML → .docx, CSV → .xlsx, flat ODP → .pptx.
  await w.write('lo-to-trinh.html', '<html><head><meta charset="utf-8"></head><body><h1>CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM</h1><p>Tờ trình phê duyệt dự toán năm 2026</p></body></html>');
  await w.write('lo-bang-luong.csv', 'Họ tên,Số tiền\nNguyễn Văn An,1000000\nTrần Thị Bình,2000000\n');
  await w.write('lo-bao-cao.fodp', `<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation"><office:body><office:presentation><draw:page draw:name="Trang 1"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box><text:p>Báo cáo tổng kết năm 2026</text:p></draw:text-box></draw:frame></draw:page></office:presentation></office:body></office:document>`);
  for (const [src, to] of [['lo-to-trinh.html', 'docx:MS Word 2007 XML'], ['lo-bang-luong.csv', 'xlsx'], ['lo-bao-cao.fodp', 'pptx']] as const) {
    const r = await soffice('--convert-to', to, '--outdir', dir, join(dir, src));
    expect(r.code, r.out).toBe(0);
  }
  // Apache POI (a library) and our own test builder.
  for (const name of ['poi-quyet-dinh.docx', 'poi-so-lieu.xlsx', 'poi-trinh-chieu.pptx']) {
    const r = await poi('create', join(dir, name), 'Quyết định số 12/QĐ-UBND\nVề việc phê duyệt kế hoạch');
    expect(r.code, r.out).toBe(0);
  }
  await w.write('code-cong-van.docx', makeDocx(['Công văn số 45/CV', 'Kính gửi: Sở Tài chính']));
  inputs = ['lo-to-trinh.docx', 'lo-bang-luong.xlsx', 'lo-bao-cao.pptx', 'poi-quyet-dinh.docx', 'poi-so-lieu.xlsx', 'poi-trinh-chieu.pptx', 'code-cong-van.docx'].map((f) => join(dir, f));
}, 240_000);

describe('kyso-agent sign office', () => {
  it('signs Word, Excel and PowerPoint files from LibreOffice, POI and code with one PIN; POI and LibreOffice accept every output', async () => {
    const r = await signOffice(inputs, thumb('citizen'), ['--comment', 'Phê duyệt']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.err + r.out).not.toContain(PIN_A);
    const outputs = (await readdir(r.outDir)).sort();
    expect(outputs).toEqual(['code-cong-van-signed.docx', 'lo-bang-luong-signed.xlsx', 'lo-bao-cao-signed.pptx', 'lo-to-trinh-signed.docx', 'poi-quyet-dinh-signed.docx', 'poi-so-lieu-signed.xlsx', 'poi-trinh-chieu-signed.pptx']);
    const paths = outputs.map((f) => join(r.outDir, f));
    const v = await poi('verify', ...paths);
    expect(v.code, v.out).toBe(0);
    const blocks = v.out.split(/^== /m).slice(1);
    expect(blocks).toHaveLength(paths.length);
    for (const b of blocks) {
      expect(b).toMatch(/^VALID \/_xmlsignatures\/sig1\.xml .*CN=NGUYỄN VĂN AN,/m);
      expect(b).toContain('signatures=1 valid=1');
    }
    const report = await verifyJson(paths);
    // The demo PKI publishes no OCSP/CRL: every check passes but the revocation status, which cannot be determined.
    expect(report.files.map((f) => f.report?.reason)).toEqual(paths.map(() => 'STATUS_UNKNOWN'));
    for (const f of report.files) {
      expect(f.format).toBe('ooxml');
      expect(f.signatures).toEqual([expect.objectContaining({ signer: kyso.pki.certs.citizen.commonName, integrity: true, chainValid: true, coversWholeDocument: true })]);
    }
    // LibreOffice opens each signed file (converted to PDF in one run); the Word texts come through.
    const pdfDir = (await workDir('office-pdf')).dir;
    const lo = await soffice('--convert-to', 'pdf', '--outdir', pdfDir, ...paths);
    expect(lo.code, lo.out).toBe(0);
    expect((await readdir(pdfDir)).sort()).toEqual(outputs.map((f) => f.replace(/\.\w+$/, '.pdf')).sort());
    const text = await tool('pdftotext', [join(pdfDir, 'lo-to-trinh-signed.pdf'), '-']);
    expect(Buffer.from(text.out, 'latin1').toString('utf8')).toContain('Tờ trình phê duyệt dự toán năm 2026');
  }, 240_000);

  it('a second signer (ECDSA key, SHA-1) adds sig2 and both stay valid for POI and for verify', async () => {
    const first = await signOffice([join(dir, 'lo-to-trinh.docx'), join(dir, 'lo-bao-cao.pptx')], thumb('citizen'));
    expect(first.code, first.out).toBe(0);
    const once = (await readdir(first.outDir)).map((f) => join(first.outDir, f));
    const second = await signOffice(once, thumb('ecPerson'), ['--hash', 'SHA-1']);
    expect(second.code, second.out + second.err).toBe(0);
    const twice = (await readdir(second.outDir)).map((f) => join(second.outDir, f));
    const v = await poi('verify', ...twice);
    expect(v.code, v.out).toBe(0);
    expect(v.out.match(/signatures=2 valid=2/g)).toHaveLength(2);
    const report = await verifyJson(twice);
    expect(report.files.map((f) => f.report?.reason)).toEqual(twice.map(() => 'STATUS_UNKNOWN'));
    for (const f of report.files) expect(f.signatures.map((s) => [s.signer, s.integrity])).toEqual([[kyso.pki.certs.citizen.commonName, true], [kyso.pki.certs.ecPerson.commonName, true]]);
  }, 120_000);

  it('a file first signed by POI, then by kyso-agent: both signatures valid', async () => {
    const w = await workDir('office-poi-first');
    const p12 = join(w.dir, 'company.p12');
    const ossl = await tool('openssl', ['pkcs12', '-export', '-inkey', kyso.pki.certs.company.keyFile, '-in', kyso.pki.certs.company.certFile, '-certfile', kyso.pki.caCertFile, '-out', p12, '-passout', 'pass:kyso']);
    expect(ossl.code, ossl.out).toBe(0);
    const target = join(w.dir, 'bang-luong.xlsx');
    await copyFile(join(dir, 'lo-bang-luong.xlsx'), target);
    const ps = await poi('sign', target, p12, 'kyso');
    expect(ps.code, ps.out).toBe(0);
    expect((await poi('verify', target)).out).toContain('signatures=1 valid=1');
    const r = await signOffice([target], thumb('citizen'));
    expect(r.code, r.out + r.err).toBe(0);
    const out = join(r.outDir, 'bang-luong-signed.xlsx');
    const v = await poi('verify', out);
    expect(v.code, v.out).toBe(0);
    expect(v.out).toContain('signatures=2 valid=2');
    const report = await verifyJson([out]);
    expect(report.files[0]!.signatures.map((s) => [s.signer, s.integrity])).toEqual([[kyso.pki.certs.company.commonName, true], [kyso.pki.certs.citizen.commonName, true]]);
  }, 120_000);

  it('POI rejects a signed file changed afterwards, and so does verify', async () => {
    const r = await signOffice([join(dir, 'code-cong-van.docx')], thumb('citizen'));
    const signed = join(r.outDir, 'code-cong-van-signed.docx');
    const entries = readZip(await readFile(signed));
    const styles = entries.find((e) => e.name === 'word/styles.xml')!;
    const other = entries.find((e) => e.name === 'word/document.xml')!;
    // The document part swapped for another part's bytes: a valid ZIP whose signed content changed.
    const tampered = writeZip(entries.map((e) => (e === other ? { ...styles, name: other.name } : e)));
    const bad = join(r.outDir, 'tampered.docx');
    await writeFile(bad, tampered);
    expect((await poi('verify', bad)).out).toContain('INVALID /_xmlsignatures/sig1.xml');
    const v = await cli(['verify', bad]);
    expect(v.code).toBe(1);
  }, 60_000);

  it('refuses zip bombs, malformed packages, macro files (unless the policy allows them) and encrypted files', async () => {
    const w = await workDir('office-hostile');
    const bomb = await w.write('bom.docx', makeDocx(['x'], { 'word/media/zero.bin': new Uint8Array(64 * 1024 * 1024) }));
    const broken = await w.write('hong.docx', (await readFile(inputs[0]!)).subarray(0, 3000));
    const docm = await w.write('macro.docm', makeDocx(['Có macro'], { 'word/vbaProject.bin': new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]) }, 'application/vnd.ms-word.document.macroEnabled.main+xml'));
    const encrypted = join(w.dir, 'mat-khau.docx');
    expect((await poi('encrypt', inputs[3]!, encrypted, 'matkhau')).code).toBe(0);
    const r = await signOffice([bomb, broken, docm, encrypted], thumb('citizen'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('Signed 0 of 4 files, 4 failed');
    expect(r.out).toMatch(/bom\.docx: DOCUMENT_INVALID — .*zip bomb/);
    expect(r.out).toMatch(/hong\.docx: DOCUMENT_INVALID — .*(không phải|malformed)/);
    expect(r.out).toMatch(/macro\.docm: DOCUMENT_INVALID — .*macro/);
    expect(r.out).toMatch(/mat-khau\.docx: DOCUMENT_INVALID — .*mật khẩu/);
    expect(await readdir(r.outDir)).toEqual([]);

    // office.allowMacros: the same .docm is signed and POI verifies it.
    const policy = await w.write('policy.json', JSON.stringify({ office: { allowMacros: true } }));
    const allowed = await signOffice([docm], thumb('citizen'), ['--policy', policy]);
    expect(allowed.code, allowed.out + allowed.err).toBe(0);
    expect((await poi('verify', join(allowed.outDir, 'macro-signed.docm'))).code).toBe(0);
  }, 120_000);
});
