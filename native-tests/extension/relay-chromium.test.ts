// The extension route end to end in Debian's Chromium with Local Network Access enforced (the page's address is
// overridden to "public", no permission granted): the built extension, the host registered by
// `browser-integration install --browser chromium --user-data-dir`, the real agent on SoftHSM2 tokens.
// (a) an unchanged VNPT-CA Plugin page signs through the MAIN-world shim; (b) a page using the SDK signs through the
// extension channel; the same pages without the extension fail, and the SDK says to install the extension.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT, pdfsig } from '../e2e/harness.js';
import type * as Sdk from '../../sdk/src/api.js';
import type { TestFixture } from '../fixtures/types.js';
import { cli, ensureBuilt, startExtEnv, type ExtEnv } from './harness.js';

const run = promisify(execFile);
let fx: TestFixture;
let e: ExtEnv;

declare const vnpt_plugin: {
  log: string[];
  checkPlugin(): Promise<{ result: string; callback: string }>;
  getCertInfo(serial?: string): Promise<{ result: string }>;
  signPdf(b64: string, o: object): Promise<{ result: string }>;
  signXML(b64: string, o: object): Promise<{ result: string }>;
  signArrDataAdvanced(items: string[], serial: string): Promise<{ result: string }>;
};
declare const KysoAgent: typeof Sdk;

async function samplePdf(): Promise<string> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText('Ho so dich vu cong - trang 1', { x: 50, y: 780 });
  return Buffer.from(await doc.save({ useObjectStreams: false })).toString('base64');
}

async function xmlsecVerify(xml: Buffer, name: string): Promise<string> {
  const file = join(e.dir, name);
  writeFileSync(file, xml);
  const { stdout, stderr } = await run('xmlsec1', ['--verify', '--trusted-pem', fx.pki.rootCertFile, '--untrusted-pem', fx.pki.caCertFile, '--id-attr:Id', 'DLHDon', file]).catch((err: { stdout: string; stderr: string }) => err);
  return `${stdout}${stderr}`;
}

beforeAll(async () => {
  fx = inject('kyso');
  process.env.SOFTHSM2_CONF = fx.softhsm.conf;
  ensureBuilt();
  e = await startExtEnv(fx, () => ({ allowPairing: true }));
  await e.startAgent();
  const out = cli(['browser-integration', 'install', '--browser', 'chromium', '--user-data-dir', e.profile, '--json'], e.env);
  expect(JSON.parse(out).browsers[0]).toMatchObject({ browser: 'chromium', registered: true, current: true, problems: [] });
  await e.launch();
});
afterAll(() => e?.close());

describe('with the extension, LNA enforced and no permission', () => {
  it('a VNPT-CA Plugin page signs through the shim: checkPlugin → getCertInfo → signPdf → signXML → signArrDataAdvanced', async () => {
    const page = await e.page('/vnpt.html');
    const pdf = await samplePdf();
    const xml = readFileSync(join(ROOT, 'native-tests', 'signing', 'samples', 'einvoice.xml')).toString('base64');
    const r = await page.evaluate(async ({ pdf, xml }) => {
      const check = await vnpt_plugin.checkPlugin();
      const info = JSON.parse((await vnpt_plugin.getCertInfo()).result) as { serial: string; subjectCN: string };
      const signedPdf = JSON.parse((await vnpt_plugin.signPdf(pdf, { page: 1, llx: 300, lly: 60, urx: 560, ury: 140, SigType: 0, Signer: info.subjectCN })).result) as { code: number; data: string; error: string };
      const signedXml = JSON.parse((await vnpt_plugin.signXML(xml, { SigningType: 'Enveloped', DigestMethod: 'SHA256', SignatureMethod: 'RSAwithSHA256' })).result) as { code: number; data: string; error: string };
      const item = JSON.stringify({ data: pdf, type: 'pdf', sigOptions: JSON.stringify({ page: 1, llx: 40, lly: 60, urx: 260, ury: 140, Signer: info.subjectCN }) });
      // As a portal reads a single item: JSON.parse(JSON.parse(result)).
      const arr = JSON.parse(JSON.parse((await vnpt_plugin.signArrDataAdvanced([item], info.serial)).result) as string) as { code: number; data: string; error: string };
      return { check, info, signedPdf, signedXml, arr, log: vnpt_plugin.log };
    }, { pdf, xml });
    expect(r.check).toEqual({ result: '1', callback: 'callbackDefault' });
    expect(r.log).toEqual(['open:4433']);
    expect(r.info.subjectCN).toBe('NGUYỄN VĂN AN');
    expect(r.signedPdf.code, r.signedPdf.error).toBe(0);
    const v1 = await pdfsig(Buffer.from(r.signedPdf.data, 'base64'), e.dir);
    expect(v1.valid, v1.out).toBe(1);
    expect(r.signedXml.code, r.signedXml.error).toBe(0);
    expect(await xmlsecVerify(Buffer.from(r.signedXml.data, 'base64'), 'vnpt-signed.xml')).toMatch(/^OK/m);
    expect(r.arr.code, r.arr.error).toBe(0);
    const v2 = await pdfsig(Buffer.from(r.arr.data, 'base64'), e.dir);
    expect(v2.valid, v2.out).toBe(1);
    // The agent saw the page's real origin (from the browser), not the frame's `domain`.
    expect(e.agent!.access.classify(e.origin)).toBe('approved');
    await page.close();
  });

  it('a page using the SDK connects through the extension and signs a PDF', async () => {
    const page = await e.page('/sdk.html');
    const pdf = await samplePdf();
    const r = await page.evaluate(async (pdf) => {
      const client = await KysoAgent.connect({ ports: { tls: null, plain: null } });
      const info = client.connection;
      await client.requestAccess();
      const cert = await client.selectCertificate();
      const events: string[] = [];
      const signed = await client.signPdf({ certId: cert.certId, pdf: KysoAgent.fromBase64(pdf), fileName: 'ho-so.pdf' });
      return { info, cn: cert.subject.commonName, pdf: signed.toBase64(), events };
    }, pdf);
    expect(r.info).toMatchObject({ transport: 'extension', secure: true });
    expect(r.cn).toBe('NGUYỄN VĂN AN');
    const v = await pdfsig(Buffer.from(r.pdf, 'base64'), e.dir);
    expect(v.valid, v.out).toBe(1);
    await page.close();
  });
});

describe('without the extension (same browser, same pages)', () => {
  beforeAll(() => e.launch({ extension: false }));

  it('the VNPT page reports the plugin missing, and the SDK hint says to install the extension', async () => {
    const page = await e.page('/vnpt.html');
    const failed = await page.evaluate(() => vnpt_plugin.checkPlugin().then(() => 'ok', (err: Error) => err.message));
    expect(failed).toBe('plugin not installed');
    await page.goto(`${e.origin}/sdk.html`);
    const r = await page.evaluate(async (port) => {
      try {
        await KysoAgent.connect({ ports: { tls: port, plain: null }, probeTimeoutMs: 800 });
        return { ok: true } as const;
      } catch (err) {
        const x = err as InstanceType<typeof KysoAgent.AgentUnavailableError>;
        return { ok: false, name: x.name, extension: x.extension, text: KysoAgent.describeError(x, 'vi') } as const;
      }
    }, e.agent!.tlsPort);
    expect(r).toMatchObject({ ok: false, name: 'AgentUnavailableError', extension: 'absent' });
    expect(r.ok === false && r.text).toContain('mạng cục bộ');
    expect(r.ok === false && r.text).toContain('cài tiện ích kyso-agent');
    await page.close();
  });
});
