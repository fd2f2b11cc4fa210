// The event-loop stall of the agent (running in this test process) while a client in another process sends it a
// large document (docs/security.md T22): monitorEventLoopDelay, and an approved portal's agent.info answered meanwhile.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';

/** The approved portal of these tests (policy allowlist). */
export const PORTAL = 'https://portal.example.vn';

export interface PortalAgent {
  agent: RunningAgent;
  dir: string;
  call: ReturnType<typeof rpcCaller>;
  /** Token A's RSA certificate. */
  certId: string;
  serial: string;
  /** The agent's CA, as a file for client processes. */
  caFile: string;
  stop(): Promise<void>;
}

/**
 * The real agent in this process (SoftHSM2 token A, PIN given by the scripted dialog, no prompt rate limit), the
 * portal approved by policy and connected over wss, and token A's RSA certificate.
 */
export async function startPortalAgent(
  softhsm: { conf: string; module: string; tokens: { A: { pin: string; label: string } } },
  options: Partial<Parameters<typeof startAgent>[0]>,
): Promise<PortalAgent> {
  process.env.SOFTHSM2_CONF = softhsm.conf;
  const dir = await mkdtemp(join(tmpdir(), 'kyso-large-'));
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ allowedOrigins: [PORTAL] }));
  const agent = await startAgent({
    vnptPorts: [],
    dataDir: join(dir, 'data'),
    policyPath: join(dir, 'policy.json'),
    home: dir,
    port: 0,
    prompt: new ScriptedPrompt({ confirm: { pin: softhsm.tokens.A.pin } }),
    promptLimits: { promptsPerMinute: 1e6 },
    modules: [{ name: 'SoftHSM2', path: softhsm.module, source: 'env' }],
    ...options,
  });
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const s = new WebSocket(`wss://127.0.0.1:${agent.tlsPort}/v1/ws`, { origin: PORTAL, ca: agent.tls.caPem, perMessageDeflate: false, maxPayload: 0 });
    s.once('open', () => resolve(s));
    s.once('error', reject);
  });
  const call = rpcCaller(ws);
  const tokens = (await call('tokens.list', {})).result as { tokens: Array<{ tokenId: string; label: string }> };
  const tokenA = tokens.tokens.find((t) => t.label === softhsm.tokens.A.label)!.tokenId;
  const list = (await call('certificates.list', {})).result as { certificates: Array<{ certId: string; tokenId: string; keyAlgorithm: string; serialNumber: string }> };
  const cert = list.certificates.find((c) => c.tokenId === tokenA && c.keyAlgorithm.startsWith('RSA'))!;
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, agent.tls.caPem);
  return {
    agent, dir, call, certId: cert.certId, serial: cert.serialNumber, caFile,
    async stop() {
      ws.close();
      await agent.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type RpcAnswer = { result?: unknown; error?: { data: { reason: string; detail?: string } } };

/** JSON-RPC over an open WebSocket: one call, its answer picked out by id. */
export function rpcCaller(ws: WebSocket): (method: string, params: Record<string, unknown>) => Promise<RpcAnswer> {
  let nextId = 1;
  return (method, params) => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (data: WebSocket.RawData): void => {
        const text = data.toString();
        if (!text.startsWith(`{"jsonrpc":"2.0","id":${id},`)) return;
        ws.off('message', onMessage);
        resolve(JSON.parse(text) as RpcAnswer);
      };
      ws.on('message', onMessage);
      ws.once('close', () => reject(new Error('socket closed')));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  };
}

export interface StallFigures {
  /** Longest and 99th-percentile event-loop delay, ms. */
  maxMs: number;
  p99Ms: number;
  /** agent.info calls answered meanwhile, and the slowest of them (ms). */
  probes: number;
  probeMaxMs: number;
  seconds: number;
  /** One line for the test's output. */
  line: string;
}

/**
 * Runs `work` while measuring the loop delay; the portal's other traffic (a dialog's heartbeat does the same) is an
 * agent.info every 50 ms through `probe`.
 */
export async function measureStall<T>(probe: () => Promise<unknown>, work: () => Promise<T>): Promise<[T, StallFigures]> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const t0 = performance.now();
  delay.enable();
  let probing = true;
  let probeMaxMs = 0;
  let probes = 0;
  const probeLoop = (async () => {
    while (probing) {
      const p0 = performance.now();
      await probe();
      probeMaxMs = Math.max(probeMaxMs, performance.now() - p0);
      probes++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    return [await work(), figures()];
  } finally {
    probing = false;
    await probeLoop;
    delay.disable();
  }

  function figures(): StallFigures {
    const maxMs = delay.max / 1e6;
    const p99Ms = delay.percentile(99) / 1e6;
    const seconds = (performance.now() - t0) / 1000;
    const line = `in ${seconds.toFixed(1)} s, longest event-loop stall ${maxMs.toFixed(0)} ms, p99 ${p99Ms.toFixed(0)} ms; ${probes} agent.info meanwhile, slowest ${probeMaxMs.toFixed(0)} ms (load ${(loadavg()[0] ?? 0).toFixed(1)})`;
    return { maxMs, p99Ms, probes, probeMaxMs, seconds, line };
  }
}
