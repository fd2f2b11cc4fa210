// The login side of a token: C_Login with the user's PIN, holds for one operation, idle and per-signature logout.
import { AgentError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { ckrCode, toAgentError } from './ckr.js';
import * as C from './constants.js';
import { moduleFailure } from './module-call.js';
import { ensureSession, logoutSession, readFlagsQuietly, rescanKeys } from './token-state.js';
import type { TokenEntry } from './token-state.js';

export interface LoginOptions {
  logger: Logger;
  /** Logged-in sessions are logged out after this idle time (ms). */
  idleMs: number;
  /** Log out after every signature not under a hold: every operation needs the PIN. */
  requirePinEveryTime: boolean;
  /** The service is closing: timers and holds no longer log out. */
  closed(): boolean;
}

/** Logins of every token of one service. Every method that touches the module runs inside its queue. */
export class LoginSessions {
  /** tokenId → operations holding its login: no per-signature logout while one is held. */
  private readonly holds = new Map<string, number>();

  constructor(private readonly o: LoginOptions) {}

  /** Whether a signature with `t` needs a PIN first. */
  required(t: TokenEntry): boolean {
    if (!(t.flags & C.CKF_LOGIN_REQUIRED)) return false;
    return this.o.requirePinEveryTime || !t.loggedIn;
  }

  /** C_Login with `pin` (null: PIN-pad) on the token `find` gives. The buffer is zeroed before this settles. Never retried. */
  async login(tokenId: string, find: () => Promise<TokenEntry>, pin: Uint8Array | null): Promise<void> {
    const { logger } = this.o;
    try {
      const t = await find();
      await t.module.queue.run(() => {
        // With requirePinEveryTime a login must prove the PIN. While another operation keeps the token logged in
        // (a batch holding its login), C_Login would answer "already logged in" for ANY PIN: refuse instead of
        // accepting an unverified PIN (docs/security.md). Checked inside the queue: atomic.
        if (this.o.requirePinEveryTime && t.loggedIn) {
          throw new AgentError('BUSY', 'Token đang được dùng cho một thao tác ký khác / The token is busy with another signing operation');
        }
        const session = ensureSession(t);
        const callLogin = (): void => {
          // pkcs11js only takes the PIN as a JS string, which we cannot zero: it is created here, as late as
          // possible, lives only for this call and is never stored, logged or sent anywhere.
          if (pin === null) t.module.api.C_Login(session, C.CKU_USER);
          else t.module.api.C_Login(session, C.CKU_USER, Buffer.from(pin.buffer, pin.byteOffset, pin.byteLength).toString('utf8'));
        };
        try {
          callLogin();
        } catch (e) {
          if (ckrCode(e) !== C.CKR_USER_ALREADY_LOGGED_IN) throw moduleFailure(t, e, 'login');
          if (this.o.requirePinEveryTime) {
            // Logged in behind our back (state out of sync): log out and log in again so the PIN is really checked.
            try {
              t.module.api.C_Logout(session);
              callLogin();
            } catch (e2) {
              throw moduleFailure(t, e2, 'login');
            }
          }
        }
        t.loggedIn = true;
        this.touch(t);
        readFlagsQuietly(t);
        if (!t.keysExact) rescanKeys(t, session, logger);
      });
      logger.info('pkcs11.login.ok', { tokenId, pinpad: pin === null });
    } catch (e) {
      const err = e instanceof AgentError ? e : toAgentError(e, 'login');
      logger.warn('pkcs11.login.failed', { tokenId, reason: err.reason, detail: err.logDetail });
      throw err;
    } finally {
      pin?.fill(0);
    }
  }

  /**
   * Keeps the token logged in for one operation's signatures (a batch asks one PIN even with requirePinEveryTime).
   * With requirePinEveryTime the last release logs the token out, also when the operation signed nothing.
   */
  hold(tokenId: string, find: (tokenId: string) => TokenEntry | undefined): () => Promise<void> {
    this.holds.set(tokenId, (this.holds.get(tokenId) ?? 0) + 1);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      const left = (this.holds.get(tokenId) ?? 1) - 1;
      if (left > 0) {
        this.holds.set(tokenId, left);
        return;
      }
      this.holds.delete(tokenId);
      const t = find(tokenId);
      if (this.o.requirePinEveryTime && t && !this.o.closed()) await t.module.queue.run(() => this.logoutNow(t));
    };
  }

  /** After a successful C_Sign, inside the queue: per-signature logout (requirePinEveryTime) or the idle timer. */
  signed(t: TokenEntry): void {
    if (this.o.requirePinEveryTime && !this.holds.has(t.tokenId)) this.logoutNow(t);
    else this.touch(t);
  }

  /** Logs out now (call inside the queue). */
  logoutNow(t: TokenEntry): void {
    if (t.idleTimer) clearTimeout(t.idleTimer);
    t.idleTimer = undefined;
    logoutSession(t);
  }

  private touch(t: TokenEntry): void {
    t.lastUsed = Date.now();
    if (t.idleTimer === undefined && t.loggedIn) this.armIdle(t, this.o.idleMs);
  }

  /** One timer per logged-in token; it re-arms itself for the rest of the window instead of being reset per call. */
  private armIdle(t: TokenEntry, ms: number): void {
    t.idleTimer = setTimeout(() => {
      t.idleTimer = undefined;
      if (!t.loggedIn || this.o.closed()) return;
      const left = t.lastUsed + this.o.idleMs - Date.now();
      if (left > 0) return this.armIdle(t, left);
      void t.module.queue.run(() => this.logoutNow(t)).then(() => this.o.logger.info('pkcs11.logout.idle', { tokenId: t.tokenId }));
    }, ms);
    t.idleTimer.unref();
  }
}
