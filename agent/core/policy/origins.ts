// Who may talk to the agent: admin policy + the user's approvals/blocks + per-connection "allow once" grants.
import type { Clock, ConnectionContext } from '../ports.js';
import type { SettingsCell } from '../settings.js';
import { headerOrigin, isSecureOrigin, normaliseOrigin } from './origin-name.js';
import type { Policy } from './policy.js';

export { headerOrigin, normaliseOrigin, isSecureOrigin };

/**
 * - `blocked`: refused (policy or user block, or not a valid origin at all). Upgrades and requests are refused.
 * - `approved`: may use every method (policy allowlist, remembered approval, or an "allow once" grant).
 * - `pairable`: may call `agent.info` and `session.requestAccess` (pairing allowed, secure-context origin).
 * - `unknown`: may call `agent.info` only; requestAccess → ORIGIN_NOT_ALLOWED (pairing off or insecure origin).
 */
export type OriginClass = 'blocked' | 'approved' | 'pairable' | 'unknown';

/** How long an "allow once" grant made over HTTP (no connection to tie it to) lives after its last use. */
export const HTTP_ONCE_IDLE_MS = 15 * 60_000;

/**
 * The origin decisions of the agent. Classification is synchronous (the transport calls it on every upgrade
 * and request); changes are persisted through the SettingsCell.
 *
 * "Allow once": on a WebSocket (and the VNPT-compatible socket) the grant lives as long as that connection
 * (kept in a WeakSet keyed by the ConnectionContext). Over `POST /v1/rpc` every request is its own context, so
 * the grant is kept per origin in memory and expires after HTTP_ONCE_IDLE_MS without a request, or on restart.
 */
export class OriginAccess {
  private readonly onceConnections = new WeakSet<ConnectionContext>();
  private readonly onceHttp = new Map<string, number>();

  constructor(private readonly policy: Policy, readonly settings: SettingsCell, private readonly clock: Clock) {}

  /** Normalises then classifies; an unparseable, missing or `null` origin is `blocked`. */
  classify(rawOrigin: string | null | undefined, connection?: ConnectionContext): OriginClass {
    const origin = normaliseOrigin(rawOrigin);
    if (origin === null) return 'blocked';
    const s = this.settings.get();
    if (this.policy.blockedOrigins.includes(origin)) return 'blocked';
    // The user's own block wins over the admin allowlist: the person at the keyboard said no.
    if (s.blockedOrigins.includes(origin)) return 'blocked';
    if (this.policy.allowedOrigins.includes(origin)) return 'approved';
    if (s.approvedOrigins.includes(origin)) return 'approved';
    if (connection && this.hasOnceGrant(origin, connection)) return 'approved';
    if (this.policy.allowPairing && isSecureOrigin(origin)) return 'pairable';
    return 'unknown';
  }

  isApproved(rawOrigin: string | null | undefined, connection?: ConnectionContext): boolean {
    return this.classify(rawOrigin, connection) === 'approved';
  }

  /** The user chose "allow once": approved for this connection (WebSocket) or this idle window (HTTP). */
  approveOnce(connection: ConnectionContext): void {
    const origin = normaliseOrigin(connection.origin);
    if (origin === null) return;
    if (connection.transport === 'http') this.onceHttp.set(origin, this.clock.now().getTime());
    else this.onceConnections.add(connection);
  }

  /** The user chose "always allow": remembered in settings. */
  approveAlways(rawOrigin: string): Promise<void> {
    const origin = normaliseOrigin(rawOrigin);
    if (origin === null) return Promise.resolve();
    return this.settings.update((s) => {
      s.blockedOrigins = s.blockedOrigins.filter((o) => o !== origin);
      if (!s.approvedOrigins.includes(origin)) s.approvedOrigins.push(origin);
    });
  }

  /** The user chose "block this site": remembered, and any approval of it is dropped. */
  block(rawOrigin: string): Promise<void> {
    const origin = normaliseOrigin(rawOrigin);
    if (origin === null) return Promise.resolve();
    this.onceHttp.delete(origin);
    return this.settings.update((s) => {
      s.approvedOrigins = s.approvedOrigins.filter((o) => o !== origin);
      if (!s.blockedOrigins.includes(origin)) s.blockedOrigins.push(origin);
      delete s.lastCertByOrigin[origin];
    });
  }

  /** Forgets the user's decision (approval or block) about an origin. Policy entries stay in force. */
  revoke(rawOrigin: string): Promise<void> {
    const origin = normaliseOrigin(rawOrigin);
    if (origin === null) return Promise.resolve();
    this.onceHttp.delete(origin);
    return this.settings.update((s) => {
      s.approvedOrigins = s.approvedOrigins.filter((o) => o !== origin);
      s.blockedOrigins = s.blockedOrigins.filter((o) => o !== origin);
      delete s.lastCertByOrigin[origin];
    });
  }

  /** For the settings page: the user's own decisions and the admin's, separately. */
  list(): { approved: string[]; blocked: string[]; policyAllowed: string[]; policyBlocked: string[] } {
    const s = this.settings.get();
    return {
      approved: [...s.approvedOrigins],
      blocked: [...s.blockedOrigins],
      policyAllowed: [...this.policy.allowedOrigins],
      policyBlocked: [...this.policy.blockedOrigins],
    };
  }

  private hasOnceGrant(origin: string, connection: ConnectionContext): boolean {
    if (connection.transport !== 'http') {
      return this.onceConnections.has(connection) && normaliseOrigin(connection.origin) === origin;
    }
    const last = this.onceHttp.get(origin);
    if (last === undefined) return false;
    const now = this.clock.now().getTime();
    if (now - last > HTTP_ONCE_IDLE_MS) {
      this.onceHttp.delete(origin);
      return false;
    }
    this.onceHttp.set(origin, now);
    return true;
  }
}

/**
 * The one door rule of every listener and the extension relay (docs/security.md T4): a blocked origin is refused,
 * and with pairing off (`pairingAllowed` false) so is an `unknown` one, which can never become approved. null: let
 * it in (approval is the dispatcher's business). `pairingAllowed` undefined means pairing is allowed.
 */
export function doorRefusal(cls: OriginClass, pairingAllowed: boolean | undefined): 'blocked' | 'not-pairable' | null {
  if (cls === 'blocked') return 'blocked';
  if (cls === 'unknown' && pairingAllowed === false) return 'not-pairable';
  return null;
}

/**
 * The origin gate every transport uses: the handshake header exactly as a browser sends it (headerOrigin), then the
 * access class. One function so each composition root and test harness gate the same way.
 */
export function originGate(access: Pick<OriginAccess, 'classify'>, pairingAllowed?: () => boolean): {
  normalise(raw: string): string | null;
  classify(origin: string, connection?: ConnectionContext): ReturnType<OriginAccess['classify']>;
  pairingAllowed?: () => boolean;
} {
  return {
    normalise: (raw) => headerOrigin(raw),
    classify: (o, connection) => access.classify(o, connection),
    // With pairing off, an origin that is not allowed is refused at the door (docs/protocol.md).
    ...(pairingAllowed ? { pairingAllowed } : {}),
  };
}
