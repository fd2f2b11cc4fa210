import { describe, expect, it } from 'vitest';
import { RefusalPace } from './refusal-pace.js';

describe('RefusalPace (docs/security.md T22)', () => {
  it('holds unapproved upgrades only while oversized refusals keep coming, growing with them up to 5 s', () => {
    let now = 0;
    const pace = new RefusalPace(() => now);
    expect(pace.delayMs()).toBe(0);
    pace.note();
    expect(pace.delayMs()).toBe(0); // one refusal is not an attack
    pace.note();
    expect(pace.delayMs()).toBe(1000);
    for (let i = 0; i < 20; i++) pace.note();
    expect(pace.delayMs()).toBe(5000);
    now += 10_001;
    expect(pace.delayMs()).toBe(0); // quiet for the window: nobody waits
  });
});
