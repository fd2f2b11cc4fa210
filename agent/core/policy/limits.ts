// Per-origin prompt limits: one operation waiting for the user (BUSY) and a prompt rate (RATE_LIMITED).
import { AgentError } from '../errors.js';
import type { Clock } from '../ports.js';
import { PROMPTS_PER_MINUTE } from '../protocol/limits.js';

export interface LimitOptions {
  /** Prompts one origin may open in any 60-second window. */
  promptsPerMinute: number;
}

export const DEFAULT_LIMITS: Readonly<LimitOptions> = Object.freeze({ promptsPerMinute: PROMPTS_PER_MINUTE });

const WINDOW_MS = 60_000;

/**
 * Tracks, per origin, whether an operation is waiting for the user and when its recent prompts were opened.
 * `acquire` either returns a release function or throws BUSY / RATE_LIMITED; a refused attempt does not count.
 */
export class PromptLimiter {
  private readonly busy = new Set<string>();
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly clock: Clock, private readonly options: LimitOptions = DEFAULT_LIMITS) {}

  acquire(origin: string): () => void {
    if (this.busy.has(origin)) throw new AgentError('BUSY', 'Another request from this site is waiting for the user');
    const now = this.clock.now().getTime();
    let times = this.recent.get(origin);
    if (!times) this.recent.set(origin, (times = []));
    // Kept in ascending order, so the expired entries are a prefix: O(1) per prompt instead of a filter over
    // every prompt of the last minute (which grows with a raised limit, e.g. in benchmarks).
    while (times.length > 0 && now - times[0]! >= WINDOW_MS) times.shift();
    if (times.length >= this.options.promptsPerMinute) {
      throw new AgentError('RATE_LIMITED', 'Too many prompts from this site; wait a minute');
    }
    const last = times.length > 0 ? times[times.length - 1]! : -Infinity;
    times.push(now);
    if (now < last) times.sort((a, b) => a - b); // the wall clock went back
    this.busy.add(origin);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busy.delete(origin);
    };
  }

  /** Runs `work` while holding the origin's prompt slot. */
  async with<T>(origin: string, work: () => Promise<T>): Promise<T> {
    const release = this.acquire(origin);
    try {
      return await work();
    } finally {
      release();
    }
  }
}
