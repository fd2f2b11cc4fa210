// docs/security.md T22/T23 at the document limit, through the real agent (wss, real signers, SoftHSM2): each format at its
// maximum size either signs or answers DOCUMENT_INVALID / PAYLOAD_TOO_LARGE, and the agent stays under its 1 GiB
// memory budget. The client runs in another process (max-size-client.mjs), so the peak RSS and the event-loop
// stalls printed here are the agent's own.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
let caFile: string;
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
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, agent.tls.caPem);
}, 120_000);

afterAll(async () => {
  ws?.close();
  await agent?.stop();
  await rm(dir, { recursive: true, force: true });
});

const cases: Array<[string, string, string, 'ok' | 'DOCUMENT_INVALID']> = [
  ['sign.xml', '64 MiB flat <r><a/><b/>…</r>', 'xml-flat', 'DOCUMENT_INVALID'],
  ['sign.xml', '60 MiB of text in one element', 'xml-text', 'ok'],
  ['sign.pdf', '63 MiB PDF', 'pdf', 'ok'],
  ['sign.cms', '64 MiB data', 'cms', 'ok'],
  ['sign.batch', '500 XML items', 'batch', 'ok'],
];

/** Runs the client process for one case; resolves with its one-line verdict. */
function runClient(kase: string): Promise<{ ok: boolean; reason?: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [fileURLToPath(new URL('max-size-client.mjs', import.meta.url)), String(agent.tlsPort), caFile, PORTAL, certId, kase], { maxBuffer: 1024 * 1024 }, (err, stdout) => {
      if (err && !stdout) return reject(err);
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; reason?: string });
    });
  });
}

describe('T23: every format at the maximum size, within the memory budget', () => {
  for (const [method, what, kase, expected] of cases) {
    it(`${method}: ${what} → ${expected}`, async () => {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      const t0 = performance.now();
      delay.enable();
      const reply = await runClient(kase);
      delay.disable();
      const maxRss = process.resourceUsage().maxRSS * 1024;
      console.log(`${method} ${what}: ${reply.ok ? 'signed' : reply.reason} in ${((performance.now() - t0) / 1000).toFixed(1)} s, agent peak RSS so far ${(maxRss / MiB).toFixed(0)} MiB, now ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB, longest event-loop stall ${(delay.max / 1e6).toFixed(0)} ms`);
      if (expected === 'ok') expect(reply).toMatchObject({ ok: true });
      else expect(reply.reason).toBe(expected);
      // The budget (docs/security.md) is 1 GiB for the agent; the test runner (~150 MiB) and GC timing on a loaded
      // machine add some, hence the margin. Before the bounds, the flat XML alone aborted V8 at 4.5 GB.
      expect(maxRss).toBeLessThan(1280 * MiB);
    }, 180_000);
  }
});
