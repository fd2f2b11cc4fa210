// Property test (T5): 10,000 generated malformed messages; every reply is JSON-RPC 2.0 with a known reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REASONS, reasonCode, type Reason } from './errors.js';
import { METHODS } from './protocol/methods.js';
import { createTestAgent } from './testing/harness.js';
import { joinPieces } from './protocol/pieces.js';

const ORIGINS = ['https://portal.example', 'https://stranger.example', 'null', 'http://evil.example'];

const anyJson = fc.jsonValue({ maxDepth: 4 });
const messageObject = fc.record({
  jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('1.0'), anyJson),
  id: fc.oneof(fc.integer(), fc.string({ maxLength: 300 }), fc.constant(null), fc.double(), anyJson),
  method: fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 40 }), anyJson, fc.constantFrom('__proto__', 'toString', 'constructor')),
  params: fc.oneof(anyJson, fc.dictionary(fc.constantFrom('certId', 'hash', 'hashAlgorithm', 'filter', 'items', 'pdf', 'xml', 'profile', 'label', '__proto__', 'x'), anyJson)),
}, { requiredKeys: [] });

const rawText = fc.oneof(
  messageObject.map((m) => JSON.stringify(m)),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  anyJson.map((v) => JSON.stringify(v)),
  fc.tuple(messageObject.map((m) => JSON.stringify(m)), fc.nat(), fc.string({ maxLength: 5 })).map(([s, i, junk]) => s.slice(0, i % (s.length + 1)) + junk),
  fc.integer({ min: 1, max: 5000 }).map((n) => '['.repeat(n)),
  fc.integer({ min: 30, max: 40 }).map((n) => `{"jsonrpc":"2.0","id":1,"method":"agent.info","params":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
  fc.constantFrom(']', '{"__proto__":{"x":1}}', '{"jsonrpc":"2.0","id":1e400,"method":"agent.info"}', '{"jsonrpc":"2.0","id":1,"method":"sign.hash","params":{"certId":"c","hash":"AA==","hashAlgorithm":"SHA-256"}}'),
);

describe('dispatcher fuzz', () => {
  it('everyReply_isWellFormedJsonRpc_withAKnownReason_andTheDispatcherNeverThrows', async () => {
    const a = createTestAgent({ policy: { allowedOrigins: ['https://portal.example'] }, prompt: { confirm: 'cancel', access: 'deny' }, limits: { promptsPerMinute: 1_000_000 } });
    const connections = ORIGINS.map((o) => a.connect(o));
    let replies = 0;
    await fc.assert(
      fc.asyncProperty(rawText, fc.nat({ max: ORIGINS.length - 1 }), async (text, which) => {
        const reply = await a.dispatcher.handle(text, connections[which]!);
        if (reply === null) return; // a well-formed client notification
        replies++;
        const msg = JSON.parse(joinPieces(reply)) as Record<string, unknown>;
        expect(msg.jsonrpc).toBe('2.0');
        expect(['string', 'number'].includes(typeof msg.id) || msg.id === null).toBe(true);
        expect('result' in msg !== 'error' in msg).toBe(true);
        if ('error' in msg) {
          const error = msg.error as { code: number; message: string; data: { reason: Reason; retriable: boolean } };
          expect(REASONS).toContain(error.data.reason);
          expect(error.code).toBe(reasonCode(error.data.reason));
          expect(typeof error.data.retriable).toBe('boolean');
          expect(error.data.reason).not.toBe('INTERNAL');
        }
      }),
      { numRuns: 10_000 },
    );
    expect(replies).toBeGreaterThan(9000);
    expect(a.tokens.calls.sign).toBe(0);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  }, 60_000);
});
