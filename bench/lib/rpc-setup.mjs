// Shared setup of the rpc-* benchmarks: a SoftHSM2 demo token in a temp dir, an in-process agent (built dist/)
// with a prompt double (benchmarks only: lib/instant-prompt.mjs, or ScriptedPrompt with --prompt scripted), and a small JSON-RPC-over-wss client.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { INSTANT_PROMPT_NOTE } from './instant-prompt.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => join(root, 'dist', p);

export const PORTAL = 'https://portal.example.vn';

/** Which prompt double the rpc benches use: `--prompt scripted` picks ScriptedPrompt, else InstantPrompt. */
export function promptKind() {
  const i = process.argv.indexOf('--prompt');
  return i > 0 && process.argv[i + 1] === 'scripted' ? 'scripted' : 'instant';
}

/** For the result JSON: which prompt double answered the dialogs. */
export function promptNote() {
  return promptKind() === 'scripted' ? 'prompt: agent/core/testing/scripted-prompt (ScriptedPrompt)' : INSTANT_PROMPT_NOTE;
}

/**
 * The core's test double. Test fakes are kept out of dist (tsconfig.build.json): `npm run bench` compiles them
 * apart into dist-bench/ (tsconfig.bench.json).
 */
async function scriptedPrompt(pin) {
  const { ScriptedPrompt } = await import(new URL('../../dist-bench/agent/core/testing/scripted-prompt.js', import.meta.url).href);
  return new ScriptedPrompt({ confirm: { pin } });
}

/** Starts an agent on a fresh demo token; `origins` are allowed by policy; `prompt(pin)` overrides the double. */
/** `extra` adds start options. */
export async function startBenchAgent({ origins = [PORTAL], prompt: makePrompt, extra = {} } = {}) {
  const { demoTokenInit } = await import(dist('agent/demo/index.js'));
  const { startAgent } = await import(dist('agent/headless/index.js'));
  const { InstantPrompt } = await import('./instant-prompt.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'kyso-bench-'));
  const dataDir = join(dir, 'data');
  const demo = await demoTokenInit({ dataDir });
  process.env.SOFTHSM2_CONF = demo.conf;
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ allowedOrigins: origins }));
  const prompt = makePrompt ? makePrompt(demo.pin) : promptKind() === 'scripted' ? await scriptedPrompt(demo.pin) : new InstantPrompt(demo.pin);
  const agent = await startAgent({
    vnptPorts: [], // the VNPT-compatible listener has its own test; keep 4433 free
    dataDir,
    policyPath: join(dir, 'policy.json'),
    home: dir,
    port: 0,
    prompt,
    promptLimits: { promptsPerMinute: 1e9 },
    modules: [{ name: 'KYSO DEMO', path: demo.module, source: 'demo' }],
    ...extra,
  });
  const citizen = demo.certificates.find((c) => c.name === 'citizen');
  return {
    agent,
    prompt,
    thumbprint: citizen.thumbprintSha256,
    async close() {
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export class Client {
  constructor(ws) {
    this.ws = ws;
    this.id = 0;
    this.pending = new Map();
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      const p = this.pending.get(m.id);
      if (p) {
        this.pending.delete(m.id);
        p(m);
      }
    });
  }
  static open(port, origin, ca) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${port}/v1/ws`, { origin, ca, perMessageDeflate: false, maxPayload: 0 });
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }
  call(method, params) {
    const id = ++this.id;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }
  async ok(method, params) {
    const r = await this.call(method, params);
    if (r.error) throw new Error(`${method}: ${r.error.data.reason}`);
    return r.result;
  }
  close() {
    this.ws.close();
  }
}

export async function certIdFor(client, thumbprint) {
  const { certificates } = await client.ok('certificates.list', { filter: { thumbprintSha256: thumbprint } });
  return certificates[0].certId;
}

export function digest(i) {
  return createHash('sha256').update(`kyso bench ${i}`).digest();
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x) => (x === null ? null : Math.round(x * 1000) / 1000);
  return { n: s.length, p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), mean: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)) };
}

export function writeResult(name, result) {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
}

export function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
