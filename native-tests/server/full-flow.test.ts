// Full flow over wss on real SoftHSM2 and NSS tokens: requestAccess → tokens.list → certificates.list → sign.hash;
// signatures verify with node:crypto; the PIN appears in no frame and no log line (T16); unapproved origins see nothing (T7).
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import { RpcClient } from './agent-client.js';

const k = inject('kyso');
const PORTAL = 'https://portal.example.vn';
let dir: string;
let agent: RunningAgent;
let prompt: ScriptedPrompt;

beforeAll(async () => {
  process.env.SOFTHSM2_CONF = k.softhsm.conf;
  dir = await mkdtemp(join(tmpdir(), 'kyso-flow-'));
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ allowPairing: true }));
  prompt = new ScriptedPrompt({ access: 'allowAlways', confirm: 'approve' });
  agent = await startAgent({
    vnptPorts: [], // the VNPT-compatible listener has its own test; keep 4433 free
    dataDir: join(dir, 'data'),
    policyPath: join(dir, 'policy.json'),
    home: dir,
    port: 0,
    prompt,
    modules: [
      { name: 'SoftHSM2', path: k.softhsm.module, source: 'env' },
      { name: 'NSS softokn', path: k.nss.module, source: 'policy', libraryParameters: k.nss.libraryParameters },
    ],
  });
});

afterAll(async () => {
  await agent?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface WireCert {
  certId: string;
  tokenId: string;
  thumbprintSha256: string;
  keyAlgorithm: string;
}

describe('full flow over wss', () => {
  it('signs on SoftHSM2 (RSA and EC) and NSS, signatures verify, and the PIN never leaves the dialog', async () => {
    const client = await RpcClient.open(`wss://127.0.0.1:${agent.tlsPort}/v1/ws`, PORTAL, agent.tls.caPem);
    try {
      // T7: before approval nothing identifying leaves the agent.
      const early = await client.call('certificates.list', {});
      expect(['ORIGIN_NOT_ALLOWED', 'ACCESS_DENIED']).toContain(early.error?.data.reason);
      expect(await client.ok('session.requestAccess', {})).toEqual({ granted: true });

      const { tokens } = await client.ok<{ tokens: Array<{ tokenId: string; label: string }> }>('tokens.list');
      const labels = tokens.map((t) => t.label);
      expect(labels).toContain(k.softhsm.tokens.A.label);
      expect(labels).toContain(k.nss.tokenLabel);

      const { certificates } = await client.ok<{ certificates: WireCert[] }>('certificates.list', {});
      const byThumb = new Map(certificates.map((c) => [c.thumbprintSha256, c]));
      const cases = [
        { name: 'citizen', pin: k.softhsm.tokens.A.pin },
        { name: 'ecPerson', pin: null },
        { name: 'nss', pin: k.nss.pin },
      ] as const;
      for (const c of cases) {
        const fixture = k.pki.certs[c.name];
        const cert = byThumb.get(fixture.thumbprintSha256);
        expect(cert, c.name).toBeDefined();
        const data = Buffer.from(`kyso full flow ${c.name} ${Date.now()}`);
        const hash = createHash('sha256').update(data).digest('base64');
        // Token A is logged in after the first signature (PIN session): then no PIN is asked.
        prompt.script({ confirm: c.pin === null ? 'approve' : { pin: c.pin } });
        const signed = await client.ok<{ signature: string; scheme: string }>('sign.hash', { certId: cert!.certId, hash, hashAlgorithm: 'SHA-256' });
        const ok = verify('sha256', data, { key: createPublicKey(fixture.certPem), dsaEncoding: 'der' }, Buffer.from(signed.signature, 'base64'));
        expect([c.name, ok]).toEqual([c.name, true]);
      }
      // A token session outlives the dialog: the second signature on token A asked no PIN.
      const pinAsked = prompt.confirmRequests.map((r) => r.pin.required);
      expect(pinAsked[0]).toBe(true);
      expect(pinAsked[1]).toBe(false);
    } finally {
      client.close();
    }

    // T16: grep every frame and every log line for the PINs.
    await new Promise((r) => setTimeout(r, 100));
    const logDir = join(agent.dataDir, 'logs');
    const logs = (await Promise.all((await readdir(logDir)).map((f) => readFile(join(logDir, f), 'utf8')))).join('\n');
    expect(logs).toContain('sign.hash');
    // Bounded by non-digits: the test tax code MST:0101234567 legitimately contains "123456" inside a longer number.
    for (const pin of [k.softhsm.tokens.A.pin, k.nss.pin]) {
      const re = new RegExp(`(?<![0-9])${pin.replace(/[^0-9A-Za-z]/g, '\\$&')}(?![0-9])`);
      for (const f of client.frames) expect(re.test(f)).toBe(false);
      expect(re.test(logs)).toBe(false);
    }
    // And the regex does find a PIN where one would leak (so the check above can fail).
    expect(new RegExp(`(?<![0-9])${k.softhsm.tokens.A.pin}(?![0-9])`).test(`{"pin":"${k.softhsm.tokens.A.pin}"}`)).toBe(true);
  });

  it('the same flow works over POST /v1/rpc for an approved origin', async () => {
    const res = await fetch(`http://127.0.0.1:${agent.tlsPort}/v1/rpc`).catch((e: Error) => e);
    // Plain HTTP to the TLS port is not served.
    expect(res).toBeInstanceOf(Error);
    const { request } = await import('node:https');
    const body = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tokens.list' });
    const reply = await new Promise<{ status: number; text: string; acao?: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: agent.tlsPort, path: '/v1/rpc', method: 'POST', ca: agent.tls.caPem, servername: 'localhost', headers: { Origin: PORTAL, 'Content-Type': 'application/json' } },
        (r) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, text, acao: r.headers['access-control-allow-origin'] as string | undefined }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(reply.status).toBe(200);
    expect(reply.acao).toBe(PORTAL);
    const parsed = JSON.parse(reply.text) as { id: number; result: { tokens: unknown[] } };
    expect(parsed.id).toBe(7);
    expect(parsed.result.tokens.length).toBeGreaterThanOrEqual(3);
  });
});
