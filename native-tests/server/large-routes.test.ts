// docs/security.md T22 for the two routes besides /v1/ws: a 64 MiB document through the VNPT-compatible listener
// (the plugin's wire, over wss) and through the extension relay's local channel (JSON-RPC and VNPT streams, as the
// native host speaks it) is decoded, parsed, signed and answered in slices. The client runs in another process
// (large-routes-client.mjs), so the event-loop stalls measured here are the agent's own.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
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
let serial: string;
let caFile: string;
let nextId = 1;

function call(method: string, params: Record<string, unknown>): Promise<{ result?: unknown }> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const text = data.toString();
      if (!text.startsWith(`{"jsonrpc":"2.0","id":${id},`)) return;
      ws.off('message', onMessage);
      resolve(JSON.parse(text) as { result?: unknown });
    };
    ws.on('message', onMessage);
    ws.once('close', () => reject(new Error('socket closed')));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
  });
}

beforeAll(async () => {
  process.env.SOFTHSM2_CONF = k.softhsm.conf;
  dir = await mkdtemp(join(tmpdir(), 'kyso-large-routes-'));
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ allowedOrigins: [PORTAL] }));
  agent = await startAgent({
    vnptPorts: [0],
    dataDir: join(dir, 'data'),
    policyPath: join(dir, 'policy.json'),
    home: dir,
    port: 0,
    prompt: new ScriptedPrompt({ confirm: { pin: k.softhsm.tokens.A.pin } }),
    promptLimits: { promptsPerMinute: 1e6 },
    modules: [{ name: 'SoftHSM2', path: k.softhsm.module, source: 'env' }],
  });
  ws = await new Promise<WebSocket>((resolve, reject) => {
    const s = new WebSocket(`wss://127.0.0.1:${agent.tlsPort}/v1/ws`, { origin: PORTAL, ca: agent.tls.caPem, perMessageDeflate: false });
    s.once('open', () => resolve(s));
    s.once('error', reject);
  });
  const tokens = (await call('tokens.list', {})).result as { tokens: Array<{ tokenId: string; label: string }> };
  const tokenA = tokens.tokens.find((t) => t.label === k.softhsm.tokens.A.label)!.tokenId;
  const list = (await call('certificates.list', {})).result as { certificates: Array<{ certId: string; tokenId: string; keyAlgorithm: string; serialNumber: string }> };
  const cert = list.certificates.find((c) => c.tokenId === tokenA && c.keyAlgorithm.startsWith('RSA'))!;
  certId = cert.certId;
  serial = cert.serialNumber;
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, agent.tls.caPem);
}, 120_000);

afterAll(async () => {
  ws?.close();
  await agent?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the client process for one route; resolves with its one-line verdict. */
function runClient(route: string): Promise<{ ok: boolean; reason?: string; bytes?: number }> {
  const args = route === 'vnpt'
    ? [String(agent.vnptPort), caFile, PORTAL, serial]
    : [agent.relayPath!, join(dir, 'data', 'run', 'relay.key'), PORTAL, certId, serial];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [fileURLToPath(new URL('large-routes-client.mjs', import.meta.url)), route, ...args], { maxBuffer: 1024 * 1024 }, (err, stdout) => {
      if (err && !stdout) return reject(err);
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; reason?: string });
    });
  });
}

const routes: Array<[string, string]> = [
  ['vnpt', 'VNPT-compatible listener (wss /plugin): SignCMS of 64 MiB'],
  ['relay-rpc', 'extension relay, JSON-RPC stream: sign.cms of 64 MiB'],
  ['relay-vnpt', 'extension relay, VNPT stream: SignCMS of 64 MiB'],
];

describe('T22: a 64 MiB document through the VNPT listener and the extension relay, in slices', () => {
  for (const [route, what] of routes) {
    it(what, async () => {
      expect(agent.vnptPort).toBeGreaterThan(0);
      expect(agent.relayPath).toBeTruthy();
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
      const reply = await runClient(route);
      probing = false;
      await probe;
      delay.disable();
      console.log(`${what}: ${reply.ok ? 'signed' : reply.reason} (${((reply.bytes ?? 0) / MiB).toFixed(0)} MiB answer) in ${((performance.now() - t0) / 1000).toFixed(1)} s, longest event-loop stall ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms; ${probes} agent.info meanwhile, slowest ${probeMax.toFixed(0)} ms; peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (load ${(loadavg()[0] ?? 0).toFixed(1)})`);
      expect(reply).toMatchObject({ ok: true });
      // The target is ~100 ms; the bound is generous for a loaded 2-core machine running other tests beside this
      // one. Measured (docs/security.md "Large messages"): 150–480 ms at load 7–9; before the slicing the VNPT
      // routes stalled ~2.5 s at load 6 (JSON.parse / JSON.stringify / replaceAll of the 85 MiB texts in one go).
      expect(delay.max / 1e6).toBeLessThan(2000);
      expect(probes).toBeGreaterThan(3);
    }, 180_000);
  }
});
