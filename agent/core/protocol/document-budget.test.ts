import { describe, expect, it } from 'vitest';
import { createTestAgent } from '../testing/harness.js';
import { DEFAULT_FACTOR, documentBytes, documentClaim } from './document-budget.js';
import { encodeBase64 } from './encoding.js';

const ORIGINS = ['https://a.example', 'https://b.example', 'https://c.example'];
const MiB = 1024 * 1024;
const doc = encodeBase64(new Uint8Array(MiB).fill(7));
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('document memory budget (T23)', () => {
  it('counts decoded bytes anywhere in params, batch items included; unknown methods get the default factor', () => {
    expect(documentBytes({ pdf: new Uint8Array(10), appearance: { image: new Uint8Array(5) } })).toBe(15);
    expect(documentBytes({ items: [{ params: { xml: new Uint8Array(3) } }, { params: { data: new Uint8Array(4) } }] })).toBe(7);
    expect(documentClaim('sign.cms', { data: new Uint8Array(10) })).toBe(30);
    expect(documentClaim('document.verify', { data: new Uint8Array(10) })).toBe(10 * DEFAULT_FACTOR);
    expect(documentClaim('agent.info', {})).toBe(0);
  });

  it('documents held by other origins fill the budget: the next is BUSY before its dialog, and room returns when they end', async () => {
    // Two 1 MiB sign.cms (3 MiB each) fit in 7 MiB; a third does not.
    const a = createTestAgent({ policy: { allowedOrigins: ORIGINS }, documentBudgetBytes: 7 * MiB, prompt: { confirm: ['hang', 'hang', 'approve'] } });
    const certId = a.tokens.certificates[0]!.certId;
    const [c1, c2, c3] = ORIGINS.map((o) => a.connect(o));
    const held1 = a.call(c1!, 'sign.cms', { certId, data: doc });
    const held2 = a.call(c2!, 'sign.cms', { certId, data: doc });
    while (a.prompt.calls.confirmSigning < 2) await tick();
    const busy = await a.call(c3!, 'sign.cms', { certId, data: doc });
    expect(busy.error?.data).toMatchObject({ reason: 'BUSY', retriable: true });
    expect(a.prompt.calls.confirmSigning).toBe(2);
    c1!.controller.abort();
    expect((await held1).error?.data.reason).toBe('USER_CANCELLED');
    const ok = await a.call(c3!, 'sign.cms', { certId, data: doc });
    expect(ok.error).toBeUndefined();
    c2!.controller.abort();
    await held2;
  });
});
