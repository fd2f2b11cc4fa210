// Unit: sign.batch with two items in flight — signatures stay one at a time and in item order, a STOPPING failure
// stops every later item before it reaches the token (also when its signature was already queued), results and
// progress come in order. Over the plain fake (turn passes when a signature settles) and over a fake with
// off-thread signing hooks (turn passes when a signature is queued; stop check and failure report in the queue).
import { describe, expect, it } from 'vitest';
import { AgentError } from '../errors.js';
import type { SignHooks } from '../ports.js';
import type { SignatureResult, SignDigestRequest } from '../ports.js';
import { encodeBase64 } from '../protocol/encoding.js';
import { createTestAgent } from '../testing/harness.js';

const ORIGIN = 'https://portal.example';
const hashItem = (n: number) => ({ kind: 'hash', params: { hash: encodeBase64(new Uint8Array(32).fill(n)), hashAlgorithm: 'SHA-256' } });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Results = { results: { ok: boolean; result?: { signature: string }; error?: { data: { reason: string } } }[] };

/** A fake whose signatures take `delays[i]` ms (out of order if ever run together) and that records overlap. */
function setup(delays: number[]) {
  let signing = 0;
  let n = 0;
  const seen = { maxTogether: 0, order: [] as number[] };
  const a = createTestAgent({
    policy: { allowedOrigins: [ORIGIN] },
    tokens: {
      signature: async (r) => {
        signing++;
        seen.maxTogether = Math.max(seen.maxTogether, signing);
        seen.order.push(r.digest[0]!);
        await tick(delays[n++ % delays.length]!);
        signing--;
        return Uint8Array.of(0x5a, ...r.digest);
      },
    },
  });
  return { a, c: a.connect(ORIGIN), certId: a.tokens.certificates[0]!.certId, seen };
}

/** Gives the fake an off-thread sign with a serial "module queue" that honours SignHooks like the token layer. */
function withOffThreadQueue(tokens: { sign(r: SignDigestRequest, p?: Uint8Array | null): Promise<SignatureResult> }) {
  let tail: Promise<unknown> = Promise.resolve();
  const log: string[] = [];
  const signOffThread = (r: SignDigestRequest, pin?: Uint8Array | null, hooks?: SignHooks): Promise<SignatureResult> => {
    const slot = tail.then(async () => {
      try {
        hooks?.beforeToken?.();
        log.push(`sign ${r.digest[0]}`);
        return await tokens.sign(r, pin);
      } catch (e) {
        const err = e instanceof AgentError ? e : new AgentError('INTERNAL', 'x');
        log.push(`failed ${r.digest[0]} ${err.reason}`);
        hooks?.onFailure?.(err);
        throw err;
      }
    });
    tail = slot.catch(() => undefined);
    log.push(`queued ${r.digest[0]}`);
    hooks?.queued?.();
    return slot;
  };
  Object.assign(tokens, { signOffThread });
  return log;
}

describe('sign.batch pipeline', () => {
  it('aTokenThatAnswersAtOnce_stillLetsTheEventLoopTurn_betweenItems (docs/security.md T22)', async () => {
    // Each signature is 1 ms of synchronous work and an already settled promise: without pacing, 60 items are one
    // turn of the event loop in which no timer, socket or heartbeat runs.
    let ticks = 0;
    let done = false;
    const spin = (): void => {
      ticks++;
      if (!done) setTimeout(spin, 0);
    };
    const marks: number[] = [];
    const a = createTestAgent({
      policy: { allowedOrigins: [ORIGIN] },
      tokens: {
        signature: async (r) => {
          marks.push(ticks);
          const until = performance.now() + 1;
          while (performance.now() < until);
          return Uint8Array.of(0x5a, ...r.digest);
        },
      },
    });
    const c = a.connect(ORIGIN);
    setTimeout(spin, 0);
    const r = await a.call(c, 'sign.batch', { certId: a.tokens.certificates[0]!.certId, label: 'x', items: Array.from({ length: 60 }, (_, i) => hashItem(i)) });
    done = true;
    expect((r.result as Results).results.every((x) => x.ok)).toBe(true);
    // 60 ms of work in slices of ~20 ms: turns between the first signature and the last.
    expect(marks.at(-1)! - marks[0]!).toBeGreaterThanOrEqual(2);
  });

  it('plainService_signsOneAtATime_inItemOrder_resultsAndProgressInOrder', async () => {
    const { a, c, certId, seen } = setup([12, 0, 7, 1, 9, 0]);
    const r = await a.call(c, 'sign.batch', { certId, label: 'x', items: [1, 2, 3, 4, 5, 6].map(hashItem) });
    const results = (r.result as Results).results;
    expect(results.map((x) => x.ok)).toEqual([true, true, true, true, true, true]);
    results.forEach((x, i) => expect(Buffer.from(x.result!.signature, 'base64')[1]).toBe(i + 1));
    expect(seen.maxTogether).toBe(1);
    expect(seen.order).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.prompt.progressEvents).toEqual([1, 2, 3, 4, 5, 6].map((d) => [d, 6]));
  });

  it('offThreadService_nextSignatureIsQueuedBehind_butAStopOnTheThirdKeepsTheFourthOffTheToken', async () => {
    const { a, c, certId, seen } = setup([10, 3, 6, 0, 4]);
    const log = withOffThreadQueue(a.tokens);
    const sign = a.tokens.sign.bind(a.tokens);
    let calls = 0;
    a.tokens.sign = async (req, pin) => {
      if (++calls === 3) {
        await tick(8); // the token takes its time to refuse: item 4 queues its signature meanwhile
        throw new AgentError('PIN_INCORRECT', 'wrong context PIN', { pinStatus: 'countLow' });
      }
      return sign(req, pin);
    };
    const r = await a.call(c, 'sign.batch', { certId, label: 'x', items: [1, 2, 3, 4, 5].map(hashItem) });
    const results = (r.result as Results).results;
    expect(results.map((x) => x.ok)).toEqual([true, true, false, false, false]);
    expect(results.slice(2).map((x) => x.error!.data.reason)).toEqual(['PIN_INCORRECT', 'PIN_INCORRECT', 'PIN_INCORRECT']);
    expect(calls).toBe(3); // the wrong PIN was not tried again
    expect(seen.maxTogether).toBe(1);
    // Item 4 had queued its signature while item 3 was signing: the in-queue stop check kept it off the token.
    expect(log.indexOf('queued 4')).toBeGreaterThan(-1);
    expect(log.indexOf('queued 4')).toBeLessThan(log.indexOf('failed 3 PIN_INCORRECT'));
    expect(log).not.toContain('sign 4');
    expect(log.filter((l) => l.startsWith('sign '))).toEqual(['sign 1', 'sign 2', 'sign 3']);
    expect(a.prompt.progressEvents).toEqual([1, 2, 3, 4, 5].map((d) => [d, 5]));
  });

  it('offThreadService_cleanBatch_overlapsQueueing_butNeverSigning', async () => {
    const { a, c, certId, seen } = setup([8, 0, 5, 1]);
    const log = withOffThreadQueue(a.tokens);
    const r = await a.call(c, 'sign.batch', { certId, label: 'x', items: [1, 2, 3, 4, 5, 6, 7].map(hashItem) });
    expect((r.result as Results).results.every((x) => x.ok)).toBe(true);
    expect(seen.maxTogether).toBe(1);
    expect(seen.order).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The pipeline really had two items in flight: item 2 was queued before item 1 signed.
    expect(log.indexOf('queued 2')).toBeLessThan(log.indexOf('sign 2'));
    expect(log.indexOf('queued 2')).toBeLessThan(log.indexOf('queued 3'));
    expect(a.tokens.holds).toBe(0);
  });
});
