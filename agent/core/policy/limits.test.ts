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
});
