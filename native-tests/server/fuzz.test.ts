// docs/security.md T5 over a real wss socket: ≥10,000 generated malformed messages; every reply is well-formed JSON-RPC
// with a documented reason, and the agent keeps answering (a sentinel request after every burst).
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REASONS } from '../../agent/core/errors.js';
import { FakeDocuments } from '../../agent/core/testing/fake-documents.js';
import { FakeTokenService } from '../../agent/core/testing/fake-token-service.js';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { METHODS } from '../../agent/core/protocol/methods.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import { RpcClient } from './agent-client.js';

const PORTAL = 'https://portal.example.vn';
const TOTAL = 10_500;
const BURST = 100;
let dir: string;
let agent: RunningAgent;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kyso-fuzz-'));
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ allowedOrigins: [PORTAL] }));
  agent = await startAgent({
    vnptPorts: [], // the VNPT-compatible listener has its own test; keep 4433 free
    dataDir: join(dir, 'data'),
    policyPath: join(dir, 'policy.json'),
    home: dir,
    port: 0,
    tokens: new FakeTokenService(),
    documents: new FakeDocuments(),
    prompt: new ScriptedPrompt({ confirm: { pin: '1234' } }),
    promptLimits: { promptsPerMinute: 1_000_000 },
  });
});
afterAll(async () => {
  await agent?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Hostile inputs: random text, random JSON, JSON-RPC look-alikes with random params, and hand-picked classics. */
function messages(count: number): Array<string | Buffer> {
  const method = fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'rpc.x'));
  const id = fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), fc.double(), fc.boolean(), fc.constant({}), fc.constant([]));
  const rpcLike = fc.record(
    { jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('1.0'), fc.integer()), id, method, params: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(fc.constantFrom('certId', 'hash', 'hashAlgorithm', 'filter', 'items', 'label', 'scheme', '__proto__', 'pdf'), fc.jsonValue({ maxDepth: 3 }))) },
    { requiredKeys: [] },
  ).map((o) => JSON.stringify(o));
  const classics = fc.constantFrom(
    ']', '[', '{', '', ' ', 'null', 'true', '[]', '{}', '1e999999', '-0', '"\\ud800"', '{"jsonrpc":"2.0","id":1e400,"method":"agent.info"}',
    '{"jsonrpc":"2.0","id":1,"method":"tokens.list","params":{"__proto__":{"polluted":true}}}',
    '{"jsonrpc":"2.0","id":1,"method":"agent.info","method":"tokens.list"}',
    '{"jsonrpc":"2.0","id":99999999999999999999999,"method":"agent.info"}',
    '[{"jsonrpc":"2.0","id":1,"method":"agent.info"}]',
    '{"jsonrpc":"2.0","id":1,"method":"sign.hash","params":{"certId":"x","hash":"!!!","hashAlgorithm":"SHA-256"}}',
  );
  const deep = fc.integer({ min: 30, max: 10_000 }).map((n) => (n % 2 ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)));
  const invalidUtf8 = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from(b), Buffer.from('"}')]));
  const arb = fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
    { weight: 3, arbitrary: fc.json({ maxDepth: 5 }) },
    { weight: 6, arbitrary: rpcLike },
    { weight: 1, arbitrary: classics },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: invalidUtf8 },
  );
  return fc.sample(arb, { numRuns: count, seed: Number(process.env.KYSO_FUZZ_SEED ?? 20260301) });
}

const reasons = new Set<string>(REASONS);

function wellFormed(text: string): boolean {
  const m = JSON.parse(text) as Record<string, unknown>;
  if (m.jsonrpc !== '2.0' || !('id' in m)) return false;
  if ('result' in m) return !('error' in m);
  const e = m.error as { code?: unknown; message?: unknown; data?: { reason?: unknown; retriable?: unknown } } | undefined;
  return typeof e?.code === 'number' && typeof e.message === 'string' && reasons.has(String(e.data?.reason)) && typeof e.data?.retriable === 'boolean';
}

describe('fuzz over a real socket', () => {
  it(`${TOTAL} malformed messages: the agent stays up and every reply is well-formed JSON-RPC`, { timeout: 60_000 }, async () => {
    const inputs = messages(TOTAL);
    const ws = new WebSocket(`wss://127.0.0.1:${agent.tlsPort}/v1/ws`, { origin: PORTAL, ca: agent.tls.caPem, maxPayload: 0 });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const bad: string[] = [];
    let replies = 0;
    let sentinel: ((v: unknown) => void) | null = null;
    ws.on('message', (data) => {
      const text = data.toString();
      let ok = false;
      try {
        ok = wellFormed(text);
      } catch {
        ok = false;
      }
      if (!ok) bad.push(text.slice(0, 200));
      replies++;
      if (text.includes('"id":"sentinel"')) sentinel?.(undefined);
    });
    const started = Date.now();
    for (let i = 0; i < inputs.length; i += BURST) {
      for (const m of inputs.slice(i, i + BURST)) ws.send(m, { binary: Buffer.isBuffer(m) });
      await new Promise((resolve, reject) => {
        sentinel = resolve;
        setTimeout(() => reject(new Error(`no answer to the sentinel after message ${i}`)), 10_000).unref();
        ws.send('{"jsonrpc":"2.0","id":"sentinel","method":"agent.info"}');
      });
    }
    expect(bad).toEqual([]);
    expect(replies).toBeGreaterThan(TOTAL / 2);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    // The same agent still answers a fresh connection.
    const fresh = await RpcClient.open(`wss://127.0.0.1:${agent.tlsPort}/v1/ws`, PORTAL, agent.tls.caPem);
    expect((await fresh.ok('agent.info')).name).toBe('kyso-agent');
    fresh.close();
    console.log(`fuzz: ${TOTAL} messages, ${replies} replies in ${Date.now() - started} ms`);
  });
});
