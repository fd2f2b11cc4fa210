// One budget of bytes in flight (unfinished WebSocket messages, HTTP bodies being read) shared by every connection
// of every listener of one server (docs/security.md T23): many subdomains, each a new origin, cannot add up to gigabytes.

export class InflightBudget {
  private used = 0;

  constructor(readonly capacity: number) {}

  /** Takes `bytes` when they fit; false (nothing taken) when they would pass the capacity. */
  tryTake(bytes: number): boolean {
    if (bytes < 0 || this.used + bytes > this.capacity) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  inUse(): number {
    return this.used;
  }
}

/**
 * What one connection holds of the budget; `resize` moves its claim up or down as a message grows or completes.
 * A claim that cannot grow keeps what it had, and the caller refuses the message.
 */
export class BudgetClaim {
  private held = 0;

  constructor(private readonly budget: InflightBudget) {}

  resize(bytes: number): boolean {
    if (bytes <= this.held) {
      this.budget.give(this.held - bytes);
      this.held = bytes;
      return true;
    }
    if (!this.budget.tryTake(bytes - this.held)) return false;
    this.held = bytes;
    return true;
  }

  release(): void {
    this.resize(0);
  }

  /** Moves what this claim holds into a one-time release (the claim starts again from zero, the budget is unchanged). */
  handOver(): () => void {
    let bytes = this.held;
    this.held = 0;
    return () => {
      this.budget.give(bytes);
      bytes = 0;
    };
  }

  get bytes(): number {
    return this.held;
  }
}
