// The VNPT-CA Plugin compatible listener over real wss on real SoftHSM2 tokens, played the way the plugin's page
// script plays it: checkPlugin → setLicenseKey → GetCertInfo → SignPDF / SignXML / signHash; outputs verified by pdfsig.
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import { PluginPage } from './plugin-client.js';

const run = promisify(execFile);
const k = inject('kyso');
const PORTAL = 'https://igate.example.gov.vn';
const BLOCKED = 'https://blocked.example.vn';
let dir: string;
let agent: RunningAgent;
let prompt: ScriptedPrompt;

beforeAll(async () => {
  process.env.SOFTHSM2_CONF = k.softhsm.conf;
  dir = await mkdtemp(join(tmpdir(), 'kyso-vnpt-'));
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ allowPairing: true, blockedOrigins: [BLOCKED] }));
  prompt = new ScriptedPrompt({ access: 'allowAlways', confirm: { pin: k.softhsm.tokens.A.pin } });
  agent = await startAgent({
    dataDir: join(dir, 'data'),
    policyPath: join(dir, 'policy.json'),
    home: dir,
    port: 0,
    vnptPorts: [0],
    prompt,
    modules: [{ name: 'SoftHSM2', path: k.softhsm.module, source: 'env' }],
  });
});

afterAll(async () => {
  await agent?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('VNPT-CA Plugin compatible listener', () => {
  it('listens and reports its port in the ready line', () => {
    expect(agent.vnptPort).toBeGreaterThan(0);
    expect(JSON.parse(agent.readyLine()).vnptPort).toBe(agent.vnptPort);
  });

  it('refuses a blocked origin before the upgrade, whatever domain the frames would claim', async () => {
    await expect(PluginPage.open(agent.vnptPort!, BLOCKED, agent.tls.caPem)).rejects.toThrow(/refused: 403/);
  });

  it('answers checkPlugin, setLicenseKey, GetCertInfo and SignPDF as the page script expects; the PDF verifies', async () => {
    const page = await PluginPage.open(agent.vnptPort!, PORTAL, agent.tls.caPem);
    try {
      expect(await page.call(7, [], 'checkCb')).toEqual(['1', 'checkCb']);
      const [lic] = await page.call(6, ['PExpY2Vuc2U+']);
      expect(JSON.parse(lic).code).toBe(1);

      // GetCertInfo with the citizen's serial: no picker, the approval prompt once.
      const citizen = k.pki.certs.citizen;
      const [info] = await page.call(0, ['1', citizen.serialHex]);
      const cert = JSON.parse(info) as { serial: string; subjectCN: string; base64: string };
      expect(cert.subjectCN).toBe('NGUYỄN VĂN AN');
      expect(cert.base64).toBe(citizen.derBase64);
      expect(prompt.calls.requestAccess).toBe(1);
      expect(agent.access.classify(PORTAL)).toBe('approved');

      const doc = await PDFDocument.create();
      doc.addPage([595, 842]).drawText('Ho so dich vu cong', { x: 50, y: 780 });
      const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
      const opts = JSON.stringify({ page: 1, llx: 300, lly: 60, urx: 560, ury: 140, SigType: 0, Signer: 'NGUYỄN VĂN AN' });
      const [signed] = await page.call(2, [pdf.toString('base64'), opts]);
      const res = JSON.parse(signed) as { code: number; data: string; error: string };
      expect(res.code, res.error).toBe(0);
      const out = Buffer.from(res.data, 'base64');
      expect(out.subarray(0, pdf.length).equals(pdf)).toBe(true);
      const file = join(dir, 'vnpt-signed.pdf');
      await writeFile(file, out);
      const { stdout } = await run('pdfsig', [file]).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
      expect(stdout).toMatch(/Signature is Valid/);
      const { stdout: text } = await run('pdftotext', [file, '-']);
      expect(text).toContain('Ký bởi: NGUYỄN VĂN AN');

      // signHash with the chosen certificate: a PKCS#1 v1.5 signature over the SHA-256 digest.
      const data = Buffer.from('tờ khai thuế');
      const [sig] = await page.call(9, [createHash('sha256').update(data).digest('base64')]);
      const sr = JSON.parse(sig) as { code: number; data: string };
      expect(sr.code).toBe(0);
      expect(verify('sha256', data, createPublicKey(citizen.certPem), Buffer.from(sr.data, 'base64'))).toBe(true);
    } finally {
      page.close();
    }
  });

  it('T22: a page not yet approved may send its first SignXML with the document (≤ 2 MiB), not a 3 MiB frame', async () => {
    const xml = `<HDon><DLHDon Id="data">${'<HHDVu><THHDVu>Hàng hoá</THHDVu></HHDVu>'.repeat(4000)}</DLHDon></HDon>`;
    const page = await PluginPage.open(agent.vnptPort!, 'https://first-call.example.gov.vn', agent.tls.caPem);
    try {
      const [signed] = await page.call(1, [Buffer.from(xml).toString('base64'), JSON.stringify({ CertificateSerial: k.pki.certs.citizen.serialHex })]);
      expect(JSON.parse(signed)).toMatchObject({ code: 0 });
    } finally {
      page.close();
    }
    const other = await PluginPage.open(agent.vnptPort!, 'https://huge-first-call.example.gov.vn', agent.tls.caPem);
    const closed = new Promise<number>((resolve) => other.ws.once('close', (code) => resolve(code)));
    void other.call(1, ['A'.repeat(3 * 1024 * 1024)]);
    expect(await closed).toBe(1009);
  });

  it('maps a cancelled confirmation to code 11 and an unknown function to code 5, and keeps serving', async () => {
    const page = await PluginPage.open(agent.vnptPort!, PORTAL, agent.tls.caPem);
    try {
      await page.call(0, ['1', k.pki.certs.citizen.serialHex]);
      prompt.script({ confirm: 'cancel' });
      const [cancelled] = await page.call(9, [Buffer.alloc(32, 7).toString('base64')]);
      expect(JSON.parse(cancelled).code).toBe(11);
      const [unknown] = await page.call(999, ['UEsDBA==']);
      expect(JSON.parse(unknown)).toMatchObject({ code: 5 });
      expect(await page.call(7)).toEqual(['1', 'callbackDefault']);
    } finally {
      page.close();
      prompt.script({ confirm: { pin: k.softhsm.tokens.A.pin } });
    }
  });

  it('pairing on: an origin the user has not approved yet still gets the socket (checkPlugin "1"), as today', async () => {
    const page = await PluginPage.open(agent.vnptPort!, 'https://new-portal.example.vn', agent.tls.caPem);
    try {
      expect(await page.call(7)).toEqual(['1', 'callbackDefault']);
    } finally {
      page.close();
    }
  });
});

/** One raw request on a TLS port; resolves with every byte the agent sent before closing. */
function raw(port: number, caPem: string, text: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = tlsConnect({ host: '127.0.0.1', port, ca: caPem, servername: 'localhost' });
    sock.once('secureConnect', () => sock.write(text));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('close', () => resolve(Buffer.concat(chunks)));
    sock.on('error', reject);
    setTimeout(() => sock.destroy(), 3_000).unref();
  });
}

describe('pairing off: both listeners refuse an origin not on the allowlist at the door', () => {
  let off: RunningAgent;
  let offDir: string;
  beforeAll(async () => {
    offDir = await mkdtemp(join(tmpdir(), 'kyso-vnpt-off-'));
    await writeFile(join(offDir, 'policy.json'), JSON.stringify({ allowPairing: false, allowedOrigins: [PORTAL], blockedOrigins: [BLOCKED] }));
    off = await startAgent({
      dataDir: join(offDir, 'data'), policyPath: join(offDir, 'policy.json'), home: offDir, port: 0, vnptPorts: [0],
      prompt: new ScriptedPrompt({}), modules: [{ name: 'SoftHSM2', path: k.softhsm.module, source: 'env' }],
    });
  });
  afterAll(async () => {
    await off?.stop();
    await rm(offDir, { recursive: true, force: true });
  });

  const upgrade = (path: string, port: number, origin: string): string =>
    `GET ${path} HTTP/1.1\r\nHost: localhost:${port}\r\nOrigin: ${origin}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
  const rpc = (port: number, origin: string): string => {
    const body = '{"jsonrpc":"2.0","id":1,"method":"agent.info"}';
    return `POST /v1/rpc HTTP/1.1\r\nHost: localhost:${port}\r\nOrigin: ${origin}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
  };

  it('VNPT listener: the stranger gets the blocked origin\'s bytes; the allowlisted portal gets its socket', async () => {
    const port = off.vnptPort!;
    const stranger = await raw(port, off.tls.caPem, upgrade('/plugin', port, 'https://new-portal.example.vn'));
    const blocked = await raw(port, off.tls.caPem, upgrade('/plugin', port, BLOCKED));
    expect(stranger.toString('latin1')).toMatch(/^HTTP\/1\.1 403 /);
    expect(stranger.equals(blocked)).toBe(true);
    await expect(openPluginSocket(port, off.tls.caPem, 'https://new-portal.example.vn')).rejects.toThrow(/refused: 403/);
    const ok = await raw(port, off.tls.caPem, upgrade('/plugin', port, PORTAL));
    expect(ok.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
  });

  it('native listener: upgrade and /v1/rpc refuse the stranger with the blocked origin\'s bytes', async () => {
    const port = off.tlsPort;
    for (const make of [(o: string) => upgrade('/v1/ws', port, o), (o: string) => rpc(port, o)]) {
      const stranger = await raw(port, off.tls.caPem, make('https://new-portal.example.vn'));
      const blocked = await raw(port, off.tls.caPem, make(BLOCKED));
      expect(stranger.toString('latin1')).toMatch(/^HTTP\/1\.1 403 /);
      expect(stranger.equals(blocked)).toBe(true);
    }
    expect((await raw(port, off.tls.caPem, rpc(port, PORTAL))).toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
  });
});

/** Opens a plugin socket like the page script would, against any agent. */
function openPluginSocket(port: number, caPem: string, origin: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://localhost:${port}/plugin`, { origin, ca: caPem, perMessageDeflate: false });
    ws.once('open', () => (ws.close(), resolve()));
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, res) => reject(new Error(`refused: ${res.statusCode}`)));
  });
}
