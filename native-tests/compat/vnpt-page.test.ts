// A VNPT portal page in real Chromium (https origin, the agent's CA trusted through NSS) that uses the plugin's page
// script — our faithful re-implementation of versions 1.0.0.8 and 1.0.3.4, see vnpt-page/README.md — against the
// real agent on SoftHSM2. Results are parsed the way VNPT's sample page and portals parse them; every signed output
// is checked by pdfsig, xmlsec1 and openssl.
import { execFileSync } from 'node:child_process';
import { constants, createHash, createPublicKey, publicDecrypt, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Cert } from '../../agent/core/index.js';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import { installCa } from '../../agent/tls/index.js';
import { CHROMIUM_ARGS, pdfsig, quietLogger } from '../e2e/harness.js';
import { tool } from '../signing/helpers.js';
import { validatorJar } from '../validators/paths.js';
import { expectSigningTimeShown } from './plugin-client.js';
import { makeDocx } from '../../agent/signing/ooxml/testing/make-docx.js';

const k = inject('kyso');
const PORTAL = 'https://dichvucong.example.gov.vn';
const SCRIPTS = join(import.meta.dirname, 'vnpt-page');
let dir: string;
let agent: RunningAgent;
let prompt: ScriptedPrompt;
let browser: Browser;
let context: BrowserContext;
let macContext: BrowserContext;

/** The portal's page: the common part of the script, then the version file, as a portal includes VNPT's script. */
async function servePortal(ctx: BrowserContext): Promise<void> {
  await ctx.route(`${PORTAL}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path.endsWith('.js')) {
      return route.fulfill({ contentType: 'text/javascript', body: readFileSync(join(SCRIPTS, path.slice(1))) });
    }
    const version = new URL(route.request().url()).searchParams.get('v') ?? '1.0.0.8';
    return route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><meta charset="utf-8"><title>Cổng dịch vụ công</title><script src="/vnpt-plugin-common.js"></script><script src="/vnpt-plugin-${version}.js"></script><body>ok</body>`,
    });
  });
  // What the user's "Allow" in Chrome's Local Network Access prompt gives a public portal.
  await ctx.grantPermissions(['local-network-access'], { origin: PORTAL }).catch(() => undefined);
}

/** Opens the portal with one script version and points the script's port list at the agent (as its ports[] global). */
async function openPortal(ctx: BrowserContext, version: '1.0.0.8' | '1.0.3.4'): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${PORTAL}/?v=${version}`);
  await page.evaluate((port) => void ((window as unknown as { ports: number[] }).ports = [port]), agent.vnptPort!);
  return page;
}

/** Calls `vnpt_plugin[fn](...args)` in the page (promise form); `opts` builds an option object with `new Ctor()`. */
function plugin(page: Page, fn: string, args: unknown[], opts?: { ctor: string; fields: Record<string, unknown>; at: number }): Promise<string> {
  return page.evaluate(([fn, args, opts]) => {
    const w = window as unknown as Record<string, unknown> & { vnpt_plugin: Record<string, (...a: unknown[]) => Promise<string>> };
    const list = [...args];
    if (opts) list.splice(opts.at, 0, Object.assign(new (w[opts.ctor] as new () => object)(), opts.fields));
    return w.vnpt_plugin[fn]!(...list);
  }, [fn, args, opts] as const);
}

async function samplePdf(title: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText(title, { x: 50, y: 780 });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

const pad = (n: number): string => String(n).padStart(2, '0');
const vnTime = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
/** A SigningTime a page might send an hour early: the stamp shows the signing moment instead. */
const earlier = (): string => vnTime(new Date(Date.now() - 3600_000));

async function pdfText(pdf: Buffer): Promise<string> {
  const file = join(dir, `t-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
}

async function xmlsec(xml: Buffer, idAttr: string): Promise<{ code: number; out: string }> {
  const file = join(dir, `x-${Date.now()}.xml`);
  writeFileSync(file, xml);
  return tool('xmlsec1', ['--verify', '--trusted-pem', k.pki.rootCertFile, '--untrusted-pem', k.pki.caCertFile, `--id-attr:${idAttr.split('@')[0]}`, idAttr.split('@')[1]!, file]);
}

/** Apache POI's own signature check of an Office package (independent of the agent's OOXML code). */
async function poiVerify(doc: Buffer, ext: string): Promise<{ code: number; out: string }> {
  const file = join(dir, `o-${Date.now()}.${ext}`);
  writeFileSync(file, doc);
  return tool('java', ['-jar', validatorJar('poi'), 'verify', file]);
}

async function opensslCms(cms: Buffer, content?: Buffer): Promise<{ code: number; out: string }> {
  const file = join(dir, `c-${Date.now()}.p7s`);
  writeFileSync(file, cms);
  const extra = content ? ['-content', join(dir, 'content.bin')] : [];
  if (content) writeFileSync(join(dir, 'content.bin'), content);
  return tool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', file, ...extra, '-CAfile', k.pki.chainFile, '-purpose', 'any', '-out', join(dir, 'cms-out.bin')]);
}

beforeAll(async () => {
  process.env.SOFTHSM2_CONF = k.softhsm.conf;
  dir = mkdtempSync(join(tmpdir(), 'kyso-vnpt-page-'));
  // The test PKI's root and issuing CA are the trust anchors (policy trust.anchors), beside the shipped list.
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ allowPairing: true, trust: { anchors: [k.pki.rootCertFile, k.pki.caCertFile] } }));
  const citizen = k.pki.certs.citizen;
  prompt = new ScriptedPrompt({ access: 'allowAlways', confirm: { pin: k.softhsm.tokens.A.pin }, choose: (certs: Cert[]) => certs.find((c) => c.serialNumber === citizen.serialHex) ?? null });
  agent = await startAgent({
    dataDir: join(dir, 'data'), policyPath: join(dir, 'policy.json'), home: dir, port: 0, vnptPorts: [0], prompt,
    modules: [{ name: 'SoftHSM2', path: k.softhsm.module, source: 'env' }],
    // This page opens more dialogs in a minute than a person would; the limit itself is tested in the unit tests.
    promptLimits: { promptsPerMinute: 200 },
  });
  await installCa(join(dir, 'data'), dir, quietLogger());
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, env: { ...process.env, HOME: dir } });
  context = await browser.newContext();
  await servePortal(context);
  // A Mac browser: the 1.0.3.4 script then sends PdfSigner_oldVersion.
  macContext = await browser.newContext({ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36' });
  await servePortal(macContext);
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await agent?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('VNPT page script 1.0.0.8 in Chromium against the agent', () => {
  let page: Page;
  let certB64 = '';
  let serial = '';
  beforeAll(async () => {
    page = await openPortal(context, '1.0.0.8');
  });

  it('checkPlugin answers "1" to a named callback; setLicenseKey code 1; getCertInfo picks the citizen', async () => {
    const checked = await page.evaluate(() => new Promise<string>((resolve) => {
      const w = window as unknown as Record<string, unknown> & { vnpt_plugin: { checkPlugin(cb: unknown): void } };
      w.onPluginChecked = function onPluginChecked(data: string): void { resolve(data); };
      w.vnpt_plugin.checkPlugin(w.onPluginChecked);
    }));
    expect(checked === '1').toBe(true);
    expect(JSON.parse(await plugin(page, 'setLicenseKey', ['PExpY2Vuc2U+'])).code).toBe(1);
    const info = JSON.parse(await plugin(page, 'getCertInfo', [null, true])) as { serial: string; subjectCN: string; base64: string };
    expect(info.subjectCN).toBe('NGUYỄN VĂN AN');
    expect(info.base64).toBe(k.pki.certs.citizen.derBase64);
    certB64 = info.base64;
    serial = info.serial;
    expect(prompt.calls.requestAccess).toBe(1);
  });

  it('certificate checks: 0 for the citizen, 2 expired, 3 not yet valid, 7 untrusted, 6 revocation unknown, 8 unknown serial', async () => {
    expect(Number(await plugin(page, 'ValidateCertificateBase64', [certB64, null, null]))).toBe(0);
    expect(await plugin(page, 'ValidateCertificate', [serial, null, null])).toBe('0');
    expect(await plugin(page, 'ValidateCertificateBase64', [k.pki.certs.expired.derBase64, null, null])).toBe('2');
    expect(await plugin(page, 'CheckValidTimeBase64', [k.pki.certs.notYetValid.derBase64, null])).toBe('3');
    expect(await plugin(page, 'CheckValidTime', [k.pki.certs.expired.serialHex, null])).toBe('2');
    // The portal's own "dd/MM/yyyy HH:mm:ss" time: the citizen was valid a minute ago.
    const d = new Date(Date.now() - 60_000);
    expect(await plugin(page, 'CheckValidTimeBase64', [certB64, `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`])).toBe('0');
    // A certificate from outside the configured anchors.
    const key = join(dir, 'stranger.key');
    const crt = join(dir, 'stranger.der');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-outform', 'DER', '-out', crt, '-subj', '/CN=STRANGER', '-days', '30'], { stdio: 'pipe' });
    expect(await plugin(page, 'ValidateCertificateBase64', [readFileSync(crt).toString('base64'), null, null])).toBe('7');
    expect(await plugin(page, 'CheckOCSPBase64', [certB64, null, 'http://127.0.0.1:9/ocsp'])).toBe('6');
    expect(await plugin(page, 'CheckOCSP', [serial, null, null])).toBe('6');
    expect(await plugin(page, 'CheckCRLBase64', [certB64, null, null, null])).toBe('6');
    expect(await plugin(page, 'CheckCRL', [serial, null, null, null])).toBe('6');
    expect(await plugin(page, 'CheckOCSPBase64', [readFileSync(crt).toString('base64'), null, null])).toBe('7');
    expect(await plugin(page, 'CheckValidTime', ['0DEAD0', null])).toBe('8');
  });

  it('signXML with XmlSigner SHA256: signed with SHA-256, verified by xmlsec1', async () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?><HoSo><NoiDung Id="nd1"><Ten>Nguyễn Văn An</Ten></NoiDung><ChuKy/></HoSo>';
    const r = JSON.parse(await plugin(page, 'signXML', [Buffer.from(xml).toString('base64'), null], { ctor: 'XmlSigner', fields: { TagSigning: 'NoiDung', TagSaveResult: 'ChuKy', DigestMethod: 'SHA256', SignatureMethod: 'RSAwithSHA256' }, at: 2 })) as { code: number; data: string; error: string };
    expect(r.code, r.error).toBe(0);
    const out = Buffer.from(r.data, 'base64');
    const text = out.toString('utf8');
    expect(text).toContain('Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"');
    expect(text).toContain('<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"');
    expect(text).not.toMatch(/rsa-sha1|xmldsig#sha1/);
    expect(text).toMatch(/<ChuKy><Signature/);
    const v = await xmlsec(out, 'Id@NoiDung');
    expect(v.code, v.out).toBe(0);
    expect(v.out).toMatch(/^OK/m);
  });

  it('signPdf with PdfSigner: the visible signature shows Description and the signing time; pdfsig says valid', async () => {
    const pdf = await samplePdf('Ho so dich vu cong');
    const time = earlier();
    const before = new Date();
    const r = JSON.parse(await plugin(page, 'signPdf', [pdf.toString('base64'), null], { ctor: 'PdfSigner', fields: { page: 1, llx: 300, lly: 60, urx: 560, ury: 150, Description: 'Phê duyệt hồ sơ', SigningTime: time, SigType: 0 }, at: 2 })) as { code: number; data: string; error: string };
    expect(r.code, r.error).toBe(0);
    const out = Buffer.from(r.data, 'base64');
    expect(out.subarray(0, pdf.length).equals(pdf)).toBe(true);
    const sig = await pdfsig(out, dir);
    expect(sig, sig.out).toMatchObject({ total: 1, valid: 1 });
    const text = await pdfText(out);
    expect(text).toContain('Ký bởi: NGUYỄN VĂN AN');
    expect(text).toContain('Phê duyệt hồ sơ');
    expect(text).not.toContain(time);
    expectSigningTimeShown(text, before, new Date());
    // VerifyPdf is a later script's function: call it by id through the same framing.
    const reply = await page.evaluate((b64) => (window as unknown as { vnpt_plugin: { call(id: number, cb: null, a: string[]): Promise<string> } }).vnpt_plugin.call(42, null, [b64, '0']), r.data);
    const report = JSON.parse(JSON.parse(reply).data) as Array<{ signer: string; valid: boolean; trusted: boolean; coversWholeDocument: boolean }>;
    expect(report).toEqual([expect.objectContaining({ signer: 'NGUYỄN VĂN AN', valid: true, trusted: true, coversWholeDocument: true })]);
  });

  it('signCms (attached) and signHash verify with openssl and the certificate key', async () => {
    const data = Buffer.from('Tờ khai thuế tháng 11');
    const c = JSON.parse(await plugin(page, 'signCms', [data.toString('base64'), null])) as { code: number; data: string };
    expect(c.code).toBe(0);
    const v = await opensslCms(Buffer.from(c.data, 'base64'));
    expect(v.code, v.out).toBe(0);
    expect(readFileSync(join(dir, 'cms-out.bin')).equals(data)).toBe(true);
    const h = JSON.parse(await plugin(page, 'signHash', [createHash('sha256').update(data).digest('base64'), null])) as { code: number; data: string };
    expect(h.code).toBe(0);
    expect(verify('sha256', data, createPublicKey(k.pki.certs.citizen.certPem), Buffer.from(h.data, 'base64'))).toBe(true);
  });

  it('signArrDataAdvanced: one item reads with JSON.parse(JSON.parse(r)[0]) and JSON.parse(JSON.parse(r)); many items each verify', async () => {
    const data = Buffer.from('1234567890');
    const one = [JSON.stringify({ data: data.toString('base64'), type: 'cmsdetached', sigOptions: JSON.stringify({ DigestAlgorithm: 'SHA256' }) })];
    const r1 = await plugin(page, 'signArrDataAdvanced', [one, serial, false, null, true]);
    const sample = JSON.parse(JSON.parse(r1)[0]) as { code: number; data: string; serial: string };
    const single = JSON.parse(JSON.parse(r1)) as { code: number; data: string; serial: string };
    expect(sample).toEqual(single);
    expect(sample).toMatchObject({ code: 0, serial });
    expect((await opensslCms(Buffer.from(sample.data, 'base64'), data)).code).toBe(0);

    const pdf = await samplePdf('Bien ban');
    const xml = '<?xml version="1.0"?><HDon><DLHDon Id="hd1"><SHDon>1</SHDon></DLHDon></HDon>';
    const many = [
      JSON.stringify({ data: pdf.toString('base64'), type: 'pdf', sigOptions: JSON.stringify({ page: 1, llx: 40, lly: 40, urx: 260, ury: 120, Description: 'Đồng ý' }) }),
      JSON.stringify({ data: Buffer.from(xml).toString('base64'), type: 'xml', sigOptions: JSON.stringify({ DigestMethod: 'SHA256', SignatureMethod: 'RSAwithSHA256' }) }),
      JSON.stringify({ data: data.toString('base64'), type: 'txt', sigOptions: JSON.stringify({ DigestAlgorithm: 'SHA256' }) }),
      JSON.stringify({ data: Buffer.from(makeDocx(['Tờ trình số 12'])).toString('base64'), type: 'docx', sigOptions: JSON.stringify({ DigestAlgorithm: 'SHA256' }) }),
    ];
    const before = prompt.calls.confirmSigning;
    const r = await plugin(page, 'signArrDataAdvanced', [many, serial, false, null, true]);
    expect(prompt.calls.confirmSigning - before).toBe(1);
    const items = (JSON.parse(r) as string[]).map((t) => JSON.parse(t) as { code: number; data: string; error: string; serial: string });
    expect(items.map((i) => i.code), items.map((i) => i.error).join('; ')).toEqual([0, 0, 0, 0]);
    expect((await pdfsig(Buffer.from(items[0]!.data, 'base64'), dir)).valid).toBe(1);
    const signedXml = Buffer.from(items[1]!.data, 'base64');
    expect(signedXml.toString()).toContain('xmldsig-more#rsa-sha256');
    expect((await xmlsec(signedXml, 'Id@DLHDon')).code).toBe(0);
    expect((await opensslCms(Buffer.from(items[2]!.data, 'base64'))).code).toBe(0);
    const office = await poiVerify(Buffer.from(items[3]!.data, 'base64'), 'docx');
    expect(office.out).toMatch(/signatures=1 valid=1/);
  });

  it('clearPINCache=true logs the token out first: the PIN is asked for that batch, not for the next', async () => {
    const item = [JSON.stringify({ data: Buffer.alloc(32, 5).toString('base64'), type: 'hash', sigOptions: JSON.stringify({ DigestAlgorithm: 'SHA256' }) })];
    expect(JSON.parse(JSON.parse(await plugin(page, 'signArrDataAdvanced', [item, serial, true, null, true]))[0]).code).toBe(0);
    expect(prompt.confirmRequests.at(-1)!.pin.required).toBe(true);
    expect(JSON.parse(JSON.parse(await plugin(page, 'signArrDataAdvanced', [item, serial, false, null, true]))[0]).code).toBe(0);
    expect(prompt.confirmRequests.at(-1)!.pin.required).toBe(false);
    // ClearPinCache (40) logs out too.
    expect(JSON.parse(await plugin(page, 'ClearPinCache', ['0'])).code).toBe(0);
    expect(JSON.parse(await plugin(page, 'signHash', [Buffer.alloc(32, 6).toString('base64'), null])).code).toBe(0);
    expect(prompt.confirmRequests.at(-1)!.pin.required).toBe(true);
  });

  it('SetLanguage switches the dialogs of this page to English; token, certificates and computer facts in the script shapes', async () => {
    expect(JSON.parse(await plugin(page, 'setLanguage', ['en_US'])).code).toBe(0);
    await plugin(page, 'signHash', [Buffer.alloc(32, 7).toString('base64'), null]);
    expect(prompt.contexts.at(-1)!.lang).toBe('en');
    await plugin(page, 'setLanguage', ['vi_vn']);
    expect(JSON.parse(await plugin(page, 'CheckToken', [null])).code).toBe(0);
    const all = JSON.parse(JSON.parse(await plugin(page, 'GetAllCertificatesBase64', [null])).data) as Array<{ serial: string; base64: string }>;
    expect(all.some((c) => c.base64 === k.pki.certs.citizen.derBase64)).toBe(true);
    const noB64 = JSON.parse(JSON.parse(await plugin(page, 'GetAllCertificates', [null])).data) as Array<{ serial: string; base64?: string }>;
    expect(noB64.length).toBe(all.length);
    expect(noB64.every((c) => c.base64 === undefined)).toBe(true);
    const computer = JSON.parse(JSON.parse(await plugin(page, 'GetComputerInfo', [null])).data) as Record<string, string>;
    expect(computer).toEqual({ os: 'Linux', version: agent.version });
    // SignOFFICE through the agent's sign.office; Apache POI checks the signature.
    const docx = JSON.parse(await plugin(page, 'signOffice', [Buffer.from(makeDocx(['Biên bản họp'])).toString('base64'), null])) as { code: number; data: string; error: string };
    expect(docx.code, docx.error).toBe(0);
    expect((await poiVerify(Buffer.from(docx.data, 'base64'), 'docx')).out).toMatch(/signatures=1 valid=1/);
  });
});

describe('prompt limits through the page script', () => {
  it('a second operation while this site already has one waiting for the user is refused in Vietnamese and English', async () => {
    const a = await openPortal(context, '1.0.0.8');
    const b = await openPortal(context, '1.0.0.8');
    try {
      await plugin(a, 'getCertInfo', [null, true, k.pki.certs.citizen.serialHex]);
      await plugin(b, 'getCertInfo', [null, true, k.pki.certs.citizen.serialHex]);
      prompt.script({ confirm: 'hang' });
      const waiting = plugin(a, 'signHash', [Buffer.alloc(32, 8).toString('base64'), null]).catch(() => '');
      for (let i = 0; i < 200 && prompt.open === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(prompt.open).toBe(1);
      const refused = JSON.parse(await plugin(b, 'signHash', [Buffer.alloc(32, 9).toString('base64'), null])) as { code: number; error: string };
      expect(refused.code).toBe(5);
      expect(refused.error).toMatch(/^Đang có một yêu cầu khác chờ người dùng.* \/ Another request is waiting for the user/);
      // The page going away closes its dialog.
      await a.close();
      for (let i = 0; i < 200 && prompt.open > 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(prompt.open).toBe(0);
      await waiting;
    } finally {
      prompt.script({ confirm: { pin: k.softhsm.tokens.A.pin } });
      await b.close();
      if (!a.isClosed()) await a.close();
    }
  });
});

describe('VNPT page script 1.0.3.4 in Chromium', () => {
  it('on a Mac the script downgrades PdfSigner to PdfSigner_oldVersion; the agent reads it, and VerifyPdf reports it', async () => {
    const page = await openPortal(macContext, '1.0.3.4');
    expect(await page.evaluate(() => (window as unknown as { vnpt_plugin: { getOsName(): string } }).vnpt_plugin.getOsName())).toBe('MAC');
    await plugin(page, 'getCertInfo', [null, true, k.pki.certs.citizen.serialHex]);
    const pdf = await samplePdf('Cong van');
    const time = earlier();
    const before = new Date();
    const r = JSON.parse(await plugin(page, 'signPdf', [pdf.toString('base64'), null], { ctor: 'PdfSigner', fields: { page: 1, llx: 50, lly: 50, urx: 300, ury: 140, Signer: 'Nguyễn Văn An', SignerPosition: 'Chuyên viên', SigPositionVisible: true, Description: 'Đã xem xét', SigningTime: time }, at: 2 })) as { code: number; data: string; error: string };
    expect(r.code, r.error).toBe(0);
    const out = Buffer.from(r.data, 'base64');
    expect((await pdfsig(out, dir)).valid).toBe(1);
    const text = await pdfText(out);
    for (const line of ['Ký bởi: Nguyễn Văn An', 'Chức vụ: Chuyên viên', 'Đã xem xét']) expect(text).toContain(line);
    expectSigningTimeShown(text, before, new Date());
    const verified = JSON.parse(JSON.parse(await plugin(page, 'VerifyPdf', [r.data, false])).data) as Array<{ valid: boolean }>;
    expect(verified.map((s) => s.valid)).toEqual([true]);
    await page.close();
  });

  it('on Linux: checkPlugin, setLicenseKey, setLanguage(VNPT_PLUGIN_LANGUAGE.VI), a one-item batch; PdfSigner (null defaults) with SigVisible false signs invisibly', async () => {
    const page = await openPortal(context, '1.0.3.4');
    expect((await plugin(page, 'checkPlugin', [null])) === '1').toBe(true);
    expect(JSON.parse(await plugin(page, 'setLicenseKey', ['PExpY2Vuc2U+', null])).code).toBe(1);
    const lang = await page.evaluate(() => (window as unknown as { VNPT_PLUGIN_LANGUAGE: { VI: string } }).VNPT_PLUGIN_LANGUAGE.VI);
    expect(JSON.parse(await plugin(page, 'setLanguage', [lang, null])).code).toBe(0);
    await plugin(page, 'getCertInfo', [null, true, k.pki.certs.citizen.serialHex]);
    const hash = [JSON.stringify({ data: Buffer.alloc(32, 3).toString('base64'), type: 'hash', sigOptions: JSON.stringify({ DigestAlgorithm: 'SHA256' }) })];
    const one = JSON.parse(JSON.parse(await plugin(page, 'signArrDataAdvanced', [hash, k.pki.certs.citizen.serialHex.toUpperCase(), false, null, false]))[0]) as { code: number; data: string };
    expect(one.code).toBe(0);
    // PKCS#1 v1.5 over DigestInfo(SHA-256, the hash the page gave).
    const recovered = publicDecrypt({ key: createPublicKey(k.pki.certs.citizen.certPem), padding: constants.RSA_PKCS1_PADDING }, Buffer.from(one.data, 'base64'));
    expect(recovered.toString('hex')).toBe(`3031300d060960864801650304020105000420${Buffer.alloc(32, 3).toString('hex')}`);
    const pdf = await samplePdf('An');
    const r = JSON.parse(await plugin(page, 'signPdf', [pdf.toString('base64'), null], { ctor: 'PdfSigner', fields: { SigVisible: false, DigestAlgorithm: 'SHA256' }, at: 2 })) as { code: number; data: string };
    expect(r.code).toBe(0);
    const out = Buffer.from(r.data, 'base64');
    expect((await pdfsig(out, dir)).valid).toBe(1);
    expect(await pdfText(out)).not.toContain('Ký bởi');
    await page.close();
  });
});
