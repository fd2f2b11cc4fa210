// docs/security.md T22 for the two routes besides /v1/ws: a 64 MiB document through the VNPT-compatible listener
// (the plugin's wire, over wss) and through the extension relay's local channel (JSON-RPC and VNPT streams, as the
// native host speaks it) is decoded, parsed, signed and answered in slices. The client runs in another process
// (large-routes-client.mjs), so the event-loop stalls measured here are the agent's own.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PORTAL, measureStall, startPortalAgent, type PortalAgent } from './loop-stall.js';

const k = inject('kyso');
const MiB = 1024 * 1024;
let p: PortalAgent;

beforeAll(async () => {
  p = await startPortalAgent(k.softhsm, { vnptPorts: [0] });
}, 120_000);

afterAll(async () => {
  await p?.stop();
});

/** Runs the client process for one route; resolves with its one-line verdict. */
function runClient(route: string): Promise<{ ok: boolean; reason?: string; bytes?: number }> {
  const args = route === 'vnpt'
    ? [String(p.agent.vnptPort), p.caFile, PORTAL, p.serial]
    : [p.agent.relayPath!, join(p.dir, 'data', 'run', 'relay.key'), PORTAL, p.certId, p.serial];
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
      expect(p.agent.vnptPort).toBeGreaterThan(0);
      expect(p.agent.relayPath).toBeTruthy();
      const [reply, f] = await measureStall(() => p.call('agent.info', {}), () => runClient(route));
      const maxRss = process.resourceUsage().maxRSS * 1024;
      console.log(`${what}: ${reply.ok ? 'signed' : reply.reason} (${((reply.bytes ?? 0) / MiB).toFixed(0)} MiB answer) ${f.line}; peak RSS so far ${(maxRss / MiB).toFixed(0)} MiB`);
      expect(reply).toMatchObject({ ok: true });
      // The agent's 1 GiB budget (docs/security.md T23), with the margin max-size-memory.test.ts gives the test runner.
      expect(maxRss).toBeLessThan(1280 * MiB);
      // The target is ~100 ms; the bound is generous for a loaded 2-core machine running other tests beside this
      // one. Measured (docs/security.md "Large messages"): 150–480 ms at load 5–9; before the slicing the VNPT
      // routes stalled ~2.5 s at load 6 (JSON.parse / JSON.stringify / replaceAll of the 85 MiB texts in one go).
      expect(f.maxMs).toBeLessThan(2000);
      expect(f.probes).toBeGreaterThan(3);
    }, 180_000);
  }
});
