import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentError } from '../errors.js';
import { ManualClock } from '../testing/harness.js';
import { PromptLimiter } from './limits.js';

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as AgentError).reason;
  }
};

describe('PromptLimiter', () => {
  it('secondPromptFromSameOrigin_isBusy_otherOriginIsNot', () => {
    const l = new PromptLimiter(new ManualClock(), { promptsPerMinute: 10 });
    const release = l.acquire('https://a.example');
    expect(reasonOf(() => l.acquire('https://a.example'))).toBe('BUSY');
    expect(reasonOf(() => l.acquire('https://b.example'))).toBe('ok');
    release();
    expect(reasonOf(() => l.acquire('https://a.example'))).toBe('ok');
  });
  it('moreThanTheRatePerMinute_isRateLimited_untilTheWindowPasses', () => {
    const clock = new ManualClock();
    const l = new PromptLimiter(clock, { promptsPerMinute: 3 });
    for (let i = 0; i < 3; i++) l.acquire('o')();
    expect(reasonOf(() => l.acquire('o'))).toBe('RATE_LIMITED');
    clock.advance(59_999);
    expect(reasonOf(() => l.acquire('o'))).toBe('RATE_LIMITED');
    clock.advance(2);
    expect(reasonOf(() => l.acquire('o'))).toBe('ok');
  });
  it('rateDecisions_matchTheReferenceFilter_evenWhenTheClockGoesBack', () => {
    // The reference: keep the times with now - t < 60 s, refuse when `limit` remain (the original O(n) filter).
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: -70_000, max: 70_000 }), { maxLength: 60 }), (limit, steps) => {
      const clock = new ManualClock();
      const l = new PromptLimiter(clock, { promptsPerMinute: limit });
      let times: number[] = [];
      for (const step of steps) {
        clock.advance(step);
        const now = clock.now().getTime();
        times = times.filter((t) => now - t < 60_000);
        const expected = times.length >= limit ? 'RATE_LIMITED' : 'ok';
        if (expected === 'ok') times.push(now);
        expect(reasonOf(() => l.acquire('o')())).toBe(expected);
      }
    }), { numRuns: 300 });
  });
});

describe('PromptLimiter across origins', () => {
  it('globalRate_countsAccessPromptsOfEveryOrigin_andDefaultsToAtLeastThePerOriginRate', async () => {
    const clock = new ManualClock();
    const l = new PromptLimiter(clock, { promptsPerMinute: 10, globalPromptsPerMinute: 3 });
    for (let i = 0; i < 3; i++) await l.withAccessPrompt(`o${i}`, async () => undefined);
    await expect(l.withAccessPrompt('o9', async () => undefined)).rejects.toMatchObject({ reason: 'RATE_LIMITED' });
    clock.advance(60_000);
    await expect(l.withAccessPrompt('o9', async () => 'ok')).resolves.toBe('ok');
    const raised = new PromptLimiter(clock, { promptsPerMinute: 100 });
    for (let i = 0; i < 100; i++) await expect(raised.withAccessPrompt(`p${i}`, async () => 'ok')).resolves.toBe('ok');
  });
  it('globalRate_spentByManyOrigins_neverBlocksAnApprovedPortalsSigningDialogs', async () => {
    // Hostile subdomains can only open access prompts: using up the global budget must not starve signing.
    const l = new PromptLimiter(new ManualClock(), { promptsPerMinute: 10, globalPromptsPerMinute: 3 });
    for (let i = 0; i < 3; i++) await l.withAccessPrompt(`https://s${i}.evil.example`, async () => undefined);
    await expect(l.withAccessPrompt('https://s9.evil.example', async () => undefined)).rejects.toMatchObject({ reason: 'RATE_LIMITED' });
    for (let i = 0; i < 5; i++) expect(reasonOf(() => l.acquire('https://dichvucong.gov.vn')())).toBe('ok');
  });
  it('refusedByTheGlobalRate_doesNotCountForTheOrigin', async () => {
    const clock = new ManualClock();
    const l = new PromptLimiter(clock, { promptsPerMinute: 1, globalPromptsPerMinute: 1 });
    await l.withAccessPrompt('a', async () => undefined);
    await expect(l.withAccessPrompt('b', async () => undefined)).rejects.toMatchObject({ reason: 'RATE_LIMITED' });
    clock.advance(60_000);
    await expect(l.withAccessPrompt('b', async () => 'ok')).resolves.toBe('ok'); // b's refused attempt left no trace
  });
  it('accessPrompt_oneAtATimeAcrossOrigins', async () => {
    const l = new PromptLimiter(new ManualClock());
    let answer!: () => void;
    const first = l.withAccessPrompt('a', () => new Promise<void>((r) => (answer = r)));
    await expect(l.withAccessPrompt('b', async () => undefined)).rejects.toMatchObject({ reason: 'BUSY' });
    expect(reasonOf(() => l.acquire('b')())).toBe('ok'); // other prompts of other origins are not blocked
    answer();
    await first;
    await expect(l.withAccessPrompt('b', async () => 'ok')).resolves.toBe('ok');
  });
  it('hold_isBusyForTheOrigin_butCountsNoPromptUntilAsked', () => {
    const l = new PromptLimiter(new ManualClock(), { promptsPerMinute: 1 });
    const slot = l.hold('a');
    expect(reasonOf(() => l.hold('a'))).toBe('BUSY');
    slot.release();
    l.hold('a').release();
    const s = l.hold('a');
    s.prompt();
    s.release();
    expect(reasonOf(() => l.acquire('a'))).toBe('RATE_LIMITED');
  });
});
