// Prompt limits: one operation per origin (BUSY), one pending access prompt overall, prompt rates (RATE_LIMITED).
import { AgentError } from '../errors.js';
import type { Clock } from '../ports.js';
import { GLOBAL_PROMPTS_PER_MINUTE, PROMPTS_PER_MINUTE } from '../protocol/limits.js';

export interface LimitOptions {
  /** Prompts one origin may open in any 60-second window. */
  promptsPerMinute: number;
  /**
   * Prompts all origins together may open in any 60-second window (T6: many subdomains must not flood the
   * screen). Default: the larger of GLOBAL_PROMPTS_PER_MINUTE and `promptsPerMinute`, so raising the
   * per-origin rate (tests, benchmarks) is not silently capped by the global one.
   */
  globalPromptsPerMinute?: number;
}

export const DEFAULT_PROMPT_LIMITS: Readonly<LimitOptions> = Object.freeze({ promptsPerMinute: PROMPTS_PER_MINUTE });

const WINDOW_MS = 60_000;

/** The opening times of recent prompts, ascending, trimmed to the last 60 seconds. */
class RateWindow {
  private readonly times: number[] = [];

  /** Whether one more prompt at `now` stays within `limit`; drops the expired entries. */
  admits(now: number, limit: number): boolean {
    // Kept in ascending order, so the expired entries are a prefix: O(1) per prompt instead of a filter over
    // every prompt of the last minute (which grows with a raised limit, e.g. in benchmarks).
    while (this.times.length > 0 && now - this.times[0]! >= WINDOW_MS) this.times.shift();
    return this.times.length < limit;
  }

  record(now: number): void {
    const last = this.times.length > 0 ? this.times[this.times.length - 1]! : -Infinity;
    this.times.push(now);
    if (now < last) this.times.sort((a, b) => a - b); // the wall clock went back
  }
}

/**
 * An origin's operation slot, held from before its documents are parsed until its dialog is closed (docs/security.md:
 * a busy origin gets no more documents parsed). `prompt()` counts the dialog against the rates when it opens.
 */
export interface OriginSlot {
  /** RATE_LIMITED when the origin's prompt rate is used up; counts the prompt otherwise. */
  prompt(): void;
  release(): void;
}

/**
 * Tracks whether each origin has an operation waiting for the user, whether any access prompt is open, and when
 * recent prompts were opened. Refused attempts do not count against the rates.
 */
export class PromptLimiter {
  private readonly busy = new Set<string>();
  private readonly recent = new Map<string, RateWindow>();
  private readonly global = new RateWindow();
  private readonly globalLimit: number;
  private accessPending = false;

  constructor(private readonly clock: Clock, private readonly options: LimitOptions = DEFAULT_PROMPT_LIMITS) {
    this.globalLimit = options.globalPromptsPerMinute ?? Math.max(GLOBAL_PROMPTS_PER_MINUTE, options.promptsPerMinute);
  }

  /** Takes the origin's operation slot (BUSY when it is taken) without counting a prompt yet. */
  hold(origin: string): OriginSlot {
    if (this.busy.has(origin)) throw new AgentError('BUSY', 'Another request from this site is waiting for the user');
    this.busy.add(origin);
    let released = false;
    return {
      prompt: () => this.countPrompt(origin),
      release: () => {
        if (released) return;
        released = true;
        this.busy.delete(origin);
      },
    };
  }

  /** Takes the origin's slot and counts one prompt: BUSY / RATE_LIMITED, or a release function. */
  acquire(origin: string): () => void {
    const slot = this.hold(origin);
    try {
      slot.prompt();
    } catch (e) {
      slot.release();
      throw e;
    }
    return slot.release;
  }

  /** Runs `work` while holding the origin's prompt slot (one prompt counted). */
  async with<T>(origin: string, work: () => Promise<T>): Promise<T> {
    const release = this.acquire(origin);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Runs `work` while holding the origin's slot; `work` counts its prompt with `slot.prompt()` when it opens one. */
  async withSlot<T>(origin: string, work: (slot: OriginSlot) => Promise<T>): Promise<T> {
    const slot = this.hold(origin);
    try {
      return await work(slot);
    } finally {
      slot.release();
    }
  }

  /**
   * Like `with`, for the access prompt: at most one access prompt is open across ALL origins (T6, docs/security.md):
   * a page cannot stack access requests from many subdomains; the others get BUSY until the user answers.
   */
  async withAccessPrompt<T>(origin: string, work: () => Promise<T>): Promise<T> {
    const slot = this.hold(origin);
    try {
      if (this.accessPending) throw new AgentError('BUSY', 'Another site is waiting for the user to answer its access request');
      this.countPrompt(origin, true);
      this.accessPending = true;
      try {
        return await work();
      } finally {
        this.accessPending = false;
      }
    } finally {
      slot.release();
    }
  }

  /**
   * The global rate counts only access prompts: they are the only dialogs an unapproved origin can open, so many
   * hostile subdomains cannot use up the budget of an approved portal's signing dialogs (docs/security.md T6).
   */
  private countPrompt(origin: string, access = false): void {
    const now = this.clock.now().getTime();
    const window = this.recent.get(origin) ?? new RateWindow();
    if (!window.admits(now, this.options.promptsPerMinute)) {
      throw new AgentError('RATE_LIMITED', 'Trang web này đã mở quá nhiều hộp thoại; hãy đợi một phút. / Too many prompts from this site; wait a minute.');
    }
    if (access && !this.global.admits(now, this.globalLimit)) {
      throw new AgentError('RATE_LIMITED', 'Có quá nhiều hộp thoại; hãy đợi một phút. / Too many prompts; wait a minute.');
    }
    this.recent.set(origin, window);
    window.record(now);
    if (access) this.global.record(now);
    this.forgetIdleOrigins(now);
  }

  /** Drops windows of origins with no prompt in the last minute, so many one-off origins do not pile up. */
  private forgetIdleOrigins(now: number): void {
    if (this.recent.size < 1024) return;
    for (const [origin, window] of this.recent) if (window.admits(now, 1)) this.recent.delete(origin);
  }
}
