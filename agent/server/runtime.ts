// State shared by the listeners of one server: options, in-flight work, connection counts, shutdown flag.
import type { ConnectionContext, Dispatcher, Logger } from '../core/index.js';
import { InflightBudget } from './budget.js';
import { RefusalPace } from './refusal-pace.js';
import type { Mount, NotificationAttach, OriginGate, ServerLimits, SocketEndpoint } from './types.js';

export class ServerRuntime {
  closing = false;
  private readonly inflight = new Set<Promise<unknown>>();
  /** Open WebSocket connections per normalised origin. */
  readonly perOrigin = new Map<string, number>();
  /** AbortControllers of open connections and HTTP requests: shutdown aborts them so waiting dialogs give up. */
  readonly controllers = new Set<AbortController>();
  /** Bytes of unfinished messages and bodies, shared by every listener of this server. */
  readonly budget: InflightBudget;
  /** Oversized refusals of unapproved origins, which hold back their next upgrades (docs/security.md T22). */
  readonly refusals = new RefusalPace();

  constructor(
    readonly dispatcher: Dispatcher,
    readonly origins: OriginGate,
    readonly logger: Logger,
    readonly limits: ServerLimits,
    readonly mounts: Mount[],
    readonly version: string,
    readonly notifications: NotificationAttach | undefined,
    readonly sockets: Record<string, SocketEndpoint>,
    readonly httpApi: boolean,
    budget?: InflightBudget,
  ) {
    this.budget = budget ?? new InflightBudget(limits.maxInflightBytes);
  }

  /** The largest message `origin` may send right now: the full cap only once it is approved. */
  payloadCap(origin: string, connection?: ConnectionContext, unapprovedCap = this.limits.maxUnapprovedPayloadBytes): number {
    return this.origins.classify(origin, connection) === 'approved' ? this.limits.maxPayloadBytes : Math.min(unapprovedCap, this.limits.maxPayloadBytes);
  }

  /** Remember a request being answered, so shutdown can wait for it. */
  track(p: Promise<unknown>): void {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(settled);
    void settled.then(() => this.inflight.delete(settled));
  }

  inflightCount(): number {
    return this.inflight.size;
  }

  /** Resolves true when everything in flight settled within `ms`. */
  async drain(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.inflight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all([...this.inflight]), new Promise((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
    }
    return true;
  }

  /** A controller that is forgotten once it aborts (connection closed) and aborted by `abortAll`. */
  controller(): AbortController {
    const c = new AbortController();
    this.controllers.add(c);
    c.signal.addEventListener('abort', () => this.controllers.delete(c), { once: true });
    return c;
  }

  abortAll(): void {
    for (const c of [...this.controllers]) c.abort();
  }

  connectionOpened(origin: string): void {
    this.perOrigin.set(origin, (this.perOrigin.get(origin) ?? 0) + 1);
  }

  connectionClosed(origin: string): void {
    const n = (this.perOrigin.get(origin) ?? 1) - 1;
    if (n <= 0) this.perOrigin.delete(origin);
    else this.perOrigin.set(origin, n);
  }
}
