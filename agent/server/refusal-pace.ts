// Oversized messages from sites that are not approved (docs/security.md T22): each one is refused at its frame
// header, but a page that reconnects at once from a new subdomain keeps the machine busy (TLS handshakes, and the
// sender encrypting megabytes the agent then drops), which slows the approved portal on a small machine. While such
// refusals keep coming, WebSocket upgrades of origins that are not approved are held back a little, so the attacker
// waits instead of working. Approved origins are never held.

/** Refusals counted within this window. */
const WINDOW_MS = 10_000;
/** From this many refusals in the window, unapproved upgrades wait. */
const FROM = 2;
/** Wait per refusal in the window, and the most any upgrade waits. */
const STEP_MS = 500;
const MAX_MS = 5_000;
/** Upgrades held at once; more are refused (429) rather than held (each holds a socket). */
export const MAX_HELD = 64;

export class RefusalPace {
  private readonly times: number[] = [];
  held = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** An unapproved origin's message was refused for its size. */
  note(): void {
    this.times.push(this.now());
    this.trim();
  }

  /** How long an unapproved upgrade waits now (0: none). */
  delayMs(): number {
    this.trim();
    return this.times.length < FROM ? 0 : Math.min(MAX_MS, STEP_MS * this.times.length);
  }

  private trim(): void {
    const since = this.now() - WINDOW_MS;
    while (this.times.length > 0 && this.times[0]! < since) this.times.shift();
    if (this.times.length > 1000) this.times.splice(0, this.times.length - 1000);
  }
}
