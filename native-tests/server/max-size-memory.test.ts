// THREATS T22/T23 at the document limit, through the real agent (wss, real signers, SoftHSM2): each format at its
// maximum size either signs or answers DOCUMENT_INVALID / PAYLOAD_TOO_LARGE, and the process stays under the
// memory budget. The figures are printed. The test process also holds the client's copies of each message
// (~3 × 85 MiB), so the bound on the whole process (1.5 GiB) is generous for the agent's own 1 GiB budget.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';

const k = inject('kyso');
const PORTAL = 'https://portal.example.vn';
const MiB = 1024 * 1024;
let dir: string;
let agent: RunningAgent;
let ws: WebSocket;
let certId: string;
let nextId = 1;

function call(method: string, params: Record<string, unknown>): Promise<{ result?: unknown; error?: { data: { reason: string; detail?: string } } }> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const text = data.toString();
      if (!text.startsWith(`{"jsonrpc":"2.0","id":${id},`)) return;
      ws.off('message', onMessage);
      resolve(JSON.parse(text));
    };
    ws.on('message', onMessage);
    ws.once('close', () => reject(new Error('socket closed')));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
  });
}

/** A valid PDF of about `size` bytes: one page and one unreferenced stream of padding. */
function bigPdf(size: number): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let len = 0;
  const push = (b: Buffer | string): void => {
    const x = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(x);
    len += x.length;
  };
  push('%PDF-1.7\n');
  const obj = (n: number, body: Buffer | string): void => {
    offsets[n] = len;
    push(`${n} 0 obj\n`);
    push(body);
    push('\nendobj\n');
  };
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  obj(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>');
  const pad = Buffer.alloc(size, 0x41);
  obj(4, Buffer.concat([Buffer.from(`<< /Length ${pad.length} >>\nstream\n`), pad, Buffer.from('\nendstream')]));
  const xref = len;
  push(`xref\n0 5\n0000000000 65535 f \n${[1, 2, 3, 4].map((n) => `${String(offsets[n]).padStart(10, '0')} 00000 n \n`).join('')}`);
  push(`trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

beforeAll(async () => {
  process.env.SOFTHSM2_CONF = k.softhsm.conf;
  dir = await mkdtemp(join(tmpdir(), 'kyso-maxsize-'));
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ allowedOrigins: [PORTAL] }));
  agent = await startAgent({
    vnptPorts: [],
    dataDir: join(dir, 'data'),
    policyPath: join(dir, 'policy.json'),
    home: dir,
    port: 0,
    prompt: new ScriptedPrompt({ confirm: { pin: k.softhsm.tokens.A.pin } }),
    promptLimits: { promptsPerMinute: 1e6 },
    modules: [{ name: 'SoftHSM2', path: k.softhsm.module, source: 'env' }],
  });
  ws = await new Promise<WebSocket>((resolve, reject) => {
    const s = new WebSocket(`wss://127.0.0.1:${agent.tlsPort}/v1/ws`, { origin: PORTAL, ca: agent.tls.caPem, perMessageDeflate: false, maxPayload: 0 });
    s.once('open', () => resolve(s));
    s.once('error', reject);
  });
  const tokens = (await call('tokens.list', {})).result as { tokens: Array<{ tokenId: string; label: string }> };
  const tokenA = tokens.tokens.find((t) => t.label === k.softhsm.tokens.A.label)!.tokenId;
  const list = (await call('certificates.list', {})).result as { certificates: Array<{ certId: string; tokenId: string; keyAlgorithm: string }> };
  certId = list.certificates.find((c) => c.tokenId === tokenA && c.keyAlgorithm.startsWith('RSA'))!.certId;
}, 120_000);

afterAll(async () => {
  ws?.close();
  await agent?.stop();
  await rm(dir, { recursive: true, force: true });
});

const cases: Array<[string, string, () => Record<string, unknown>, 'ok' | 'DOCUMENT_INVALID']> = [
  ['sign.xml', '64 MiB flat <r><a/><b/>…</r>', () => ({ profile: 'enveloped', xml: Buffer.from(`<r>${'<a/><b/>'.repeat((64 * MiB - 8) / 8)}</r>`).toString('base64') }), 'DOCUMENT_INVALID'],
  ['sign.xml', '60 MiB of text in one element', () => ({ profile: 'enveloped', xml: Buffer.from(`<r><t>${'x'.repeat(60 * MiB)}</t></r>`).toString('base64') }), 'ok'],
  ['sign.pdf', '63 MiB PDF', () => ({ fileName: 'big.pdf', pdf: bigPdf(63 * MiB).toString('base64') }), 'ok'],
  ['sign.cms', '64 MiB data', () => ({ data: Buffer.alloc(64 * MiB, 3).toString('base64') }), 'ok'],
  ['sign.batch', '500 XML items', () => ({ label: 'lô', items: Array.from({ length: 500 }, (_, i) => ({ kind: 'xml', params: { profile: 'enveloped', xml: Buffer.from(`<r><n>${i}</n></r>`).toString('base64') } })) }), 'ok'],
];

describe('T23: every format at the maximum size, within the memory budget', () => {
  for (const [method, what, params, expected] of cases) {
    it(`${method}: ${what} → ${expected}`, async () => {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      const t0 = performance.now();
      delay.enable();
      const reply = await call(method, { certId, ...params() });
      delay.disable();
      const maxRss = process.resourceUsage().maxRSS * 1024;
      console.log(`${method} ${what}: ${reply.error ? reply.error.data.reason : 'signed'} in ${((performance.now() - t0) / 1000).toFixed(1)} s, process peak RSS ${(maxRss / MiB).toFixed(0)} MiB, now ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB, longest event-loop stall ${(delay.max / 1e6).toFixed(0)} ms`);
      if (expected === 'ok') expect(reply.error).toBeUndefined();
      else expect(reply.error?.data.reason).toBe(expected);
      expect(maxRss).toBeLessThan(1536 * MiB);
    }, 180_000);
  }
});
