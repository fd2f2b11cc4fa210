// docs/security.md T22/T23 at the document limit, through the real agent (wss, real signers, SoftHSM2): each format at its
// maximum size either signs or answers DOCUMENT_INVALID / PAYLOAD_TOO_LARGE, and the agent stays under its 1 GiB
// memory budget. The client runs in another process (max-size-client.mjs), so the peak RSS and the event-loop
// stalls printed here are the agent's own.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import { bundleDocumentWorker } from '../fixtures/document-worker.js';
import { makeDocx } from '../../agent/signing/ooxml/testing/make-docx.js';

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
    // As the built agent runs: large XML and Office documents in the document worker.
    documentWorker: await bundleDocumentWorker(),
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
  // A Word file of 60 MiB: one picture of random bytes (they do not compress), and the text.
  await writeFile(join(dir, 'big.docx'), makeDocx(['Tờ trình'], { 'word/media/image1.bin': randomBytes(60 * MiB) }));
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
  ['sign.office', '60 MiB .docx', 'office', 'ok'],
  ['sign.batch', '500 XML items', 'batch', 'ok'],
];

/** Longest event-loop stall allowed (ms) while the case is processed: the approved-origin large messages. */
const stallBound: Record<string, number> = { pdf: 3000, cms: 3000, 'xml-text': 3000, office: 3000, batch: 3000 };

/** Runs the client process for one case; resolves with its one-line verdict. */
function runClient(kase: string): Promise<{ ok: boolean; reason?: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [fileURLToPath(new URL('max-size-client.mjs', import.meta.url)), String(agent.tlsPort), caFile, PORTAL, certId, kase, join(dir, 'big.docx')], { maxBuffer: 1024 * 1024 }, (err, stdout) => {
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
      // The portal's other traffic (a dialog's heartbeat does the same) keeps being answered meanwhile.
      let probing = true;
      let probeMax = 0;
      let probes = 0;
      const probe = (async () => {
        while (probing) {
          const p0 = performance.now();
          await call('agent.info', {});
          probeMax = Math.max(probeMax, performance.now() - p0);
          probes++;
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const reply = await runClient(kase);
      probing = false;
      await probe;
      delay.disable();
      const maxRss = process.resourceUsage().maxRSS * 1024;
      console.log(`${method} ${what}: ${reply.ok ? 'signed' : reply.reason} in ${((performance.now() - t0) / 1000).toFixed(1)} s, agent peak RSS so far ${(maxRss / MiB).toFixed(0)} MiB, now ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB, longest event-loop stall ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms; ${probes} agent.info meanwhile, slowest ${probeMax.toFixed(0)} ms (load ${(loadavg()[0] ?? 0).toFixed(1)})`);
      if (expected === 'ok') expect(reply).toMatchObject({ ok: true });
      else expect(reply.reason).toBe(expected);
      // XML and Office documents of this size are worked in the document worker, off the agent's event loop.
      if (method === 'sign.xml' || method === 'sign.office') expect(await readFile(join(dir, 'data', 'logs', 'agent.log'), 'utf8')).toContain('document-worker.started');
      // The budget (docs/security.md) is 1 GiB for the agent; the test runner (~150 MiB) and GC timing on a loaded
      // machine add some, hence the margin. Before the bounds, the flat XML alone aborted V8 at 4.5 GB.
      expect(maxRss).toBeLessThan(1280 * MiB);
      const bound = stallBound[kase];
      if (bound !== undefined) {
        // docs/security.md T22: no single message blocks the loop for long. The target is ~100 ms; the bound is
        // generous for a loaded 2-core machine running the other native test files beside this one (one
        // whole-message copy in ws remains, see security.md). Measured: 0.7–0.8 s alone at load 15, 1.4–2.2 s with
        // the suite in parallel at load 17–20; before the slicing 1.4 s alone at load 4.7 and 3.5–8.4 s under load.
        expect(delay.max / 1e6).toBeLessThan(bound);
        expect(probes).toBeGreaterThan(3);
      }
    }, 180_000);
  }
});
