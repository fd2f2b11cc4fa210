// Pkcs11TokenService: the TokenService port over pkcs11js — tokens, certificates, login, signing, changes.
import { AgentError } from '../core/errors.js';
import type { PinStatus } from '../core/errors.js';
import type { AuthState, Clock, Logger, ModuleReport, SignatureResult, SignDigestRequest, SignHooks, TokenService } from '../core/ports.js';
import type { Cert, Token } from '../core/types.js';
import type { ModuleCandidate } from './catalog.js';
import { certsLib, certsLibLoaded, loadCertsLib } from './certs-lib.js';
import { ckrCode, isTokenGone, pinStatusFromFlags, toAgentError } from './ckr.js';
import type { Pkcs11Operation } from './ckr.js';
import * as C from './constants.js';
import { loadModules, reinitialiseModule, unloadModule } from './loader.js';
import type { LoadedModule } from './loader.js';
import { ecdsaRawToDer } from '../asn1/index.js';
import { signingInput } from './mechanisms.js';
import type { SignMechanism } from './mechanisms.js';
import { findObjects, readKeys, samePublicValue } from './objects.js';
import { defaultPkcs11Factory } from './pkcs11-api.js';
import type { Pkcs11Api, Pkcs11Factory } from './pkcs11-api.js';
import { ensureSession, hashId, logoutSession, readFlags, readFlagsQuietly, readToken, rescanKeys, resetSession, trimP11 } from './token-state.js';
import type { CertEntry, TokenEntry } from './token-state.js';
import { SlotWatcher } from './watcher.js';

export interface Pkcs11TokenServiceOptions {
  modules: ModuleCandidate[];
  clock: Clock;
  logger: Logger;
  /** Logged-in sessions are logged out after this idle time. Default 5. Fractions allowed (tests). */
  idleMinutes?: number;
  /** Log out after every signature: every signature needs the PIN. */
  requirePinEveryTime?: boolean;
  /** Makes the PKCS11 objects (tests wrap them with the fault injector). Default: real pkcs11js. */
  pkcs11Factory?: Pkcs11Factory;
  /** Slot polling interval of the change watcher. Default 1500 ms. */
  pollMs?: number;
  /**
   * When {@link Pkcs11TokenService.signOffThread} really runs C_Sign on a worker thread. 'auto' (default): once
   * the token's signatures take at least {@link OFF_THREAD_MIN_MS} (smart cards: tens to hundreds of ms), where
   * the thread hop (≈0.1–0.3 ms measured on SoftHSM2 in a VM) is worth it and the event loop stays responsive;
   * fast soft tokens sign synchronously. 'always' / 'never' force it (tests, benchmarks, troubleshooting).
   */
  offThreadSigning?: 'auto' | 'always' | 'never';
}

/** 'auto' signs off-thread once a token's recent C_Sign calls average at least this long. */
export const OFF_THREAD_MIN_MS = 3;

/** Inputs of asynchronous C_Sign calls in flight: the native worker reads them by raw pointer. */
const inFlightInputs = new Set<Buffer>();

const notFound = (): AgentError => new AgentError('CERTIFICATE_NOT_FOUND', 'Không tìm thấy chứng thư số / Certificate not found');

/** The TokenService over real PKCS#11 modules. Create it with {@link createPkcs11TokenService}. */
export class Pkcs11TokenService implements TokenService {
  private readonly loaded: LoadedModule[];
  private readonly reports: ModuleReport[];
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly certs = new Map<string, CertEntry>();
  private readonly listeners = new Set<(tokens: Token[]) => void>();
  private readonly watcher: SlotWatcher;
  private readonly idleMs: number;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly requirePinEveryTime: boolean;
  private readonly offThreadMode: 'auto' | 'always' | 'never';
  /** tokenId → moving average of its C_Sign duration in ms ('auto' off-thread decision). */
  private readonly signMs = new Map<string, number>();
  private scanned = false;
  private closed = false;
  private lastSignature = '';
  /** tokenId → operations holding its login (review M2): no per-signature logout while one is held. */
  private readonly holds = new Map<string, number>();

  constructor(options: Pkcs11TokenServiceOptions) {
    this.logger = options.logger;
    this.clock = options.clock;
    this.idleMs = Math.max(0, (options.idleMinutes ?? 5) * 60_000);
    this.requirePinEveryTime = options.requirePinEveryTime ?? false;
    this.offThreadMode = options.offThreadSigning ?? 'auto';
    const { loaded, reports } = loadModules(options.modules, options.pkcs11Factory ?? defaultPkcs11Factory, options.logger);
    this.loaded = loaded;
    this.reports = reports;
    this.watcher = new SlotWatcher(loaded, options.pollMs ?? 1500, () => void this.onSlotsMaybeChanged(), options.logger);
  }

  // ───────────────────────────── tokens and certificates ─────────────────────────────

  async listTokens(): Promise<Token[]> {
    await this.scan();
    return this.tokenList();
  }

  async refresh(): Promise<Token[]> {
    for (const m of this.loaded) {
      if (this.watcher.reportsEvents(m)) continue;
      // Modules without slot events (SoftHSM2) only see created/deleted tokens after C_Finalize + C_Initialize.
      // Dropped inside the module queue, right before C_Finalize invalidates every session and handle.
      await reinitialiseModule(m, this.logger, () => {
        for (const t of [...this.tokens.values()]) if (t.module === m) this.dropToken(t);
      });
    }
    await this.scan();
    const list = this.tokenList();
    this.emitIfChanged(list);
    return list;
  }

  async listCertificates(): Promise<Cert[]> {
    await this.scan();
    const now = this.clock.now();
    return [...this.certs.values()].map((c) => this.certView(c, now));
  }

  async getCertificate(certId: string): Promise<Cert> {
    return this.certView(await this.certEntry(certId), this.clock.now());
  }

  async getChain(certId: string): Promise<Uint8Array[]> {
    const leaf = await this.certEntry(certId);
    const pool = leaf.token.certs;
    const chain: Uint8Array[] = [];
    let current = leaf;
    for (let i = 0; i < 8; i++) {
      if (current.cert.issuer.dn === current.cert.subject.dn) break; // self-signed root: not part of the chain
      const issuer = pool.find((c) => c !== current && c.cert.subject.dn === current.cert.issuer.dn);
      if (!issuer || issuer.cert.subject.dn === issuer.cert.issuer.dn) break;
      chain.push(new Uint8Array(issuer.der));
      current = issuer;
    }
    return chain;
  }

  async authState(certId: string): Promise<AuthState> {
    const c = await this.certEntry(certId);
    const t = c.token;
    await this.call(t, 'session', () => readFlags(t));
    return {
      tokenId: t.tokenId,
      loginRequired: this.loginRequired(t),
      alwaysAuthenticate: c.alwaysAuthenticate,
      pinpad: t.token.pinpad,
      pinStatus: t.token.pinStatus,
    };
  }

  // ───────────────────────────── login ─────────────────────────────

  async login(tokenId: string, pin: Uint8Array | null): Promise<void> {
    try {
      const t = await this.tokenEntry(tokenId);
      await t.module.queue.run(() => {
        // With requirePinEveryTime a login must prove the PIN. While another operation keeps the token logged in
        // (a batch holding its login), C_Login would answer "already logged in" for ANY PIN: refuse instead of
        // accepting an unverified PIN (review: requirePinEveryTime bypass). Checked inside the queue: atomic.
        if (this.requirePinEveryTime && t.loggedIn) {
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
          if (ckrCode(e) !== C.CKR_USER_ALREADY_LOGGED_IN) throw this.failure(t, e, 'login');
          if (this.requirePinEveryTime) {
            // Logged in behind our back (state out of sync): log out and log in again so the PIN is really checked.
            try {
              t.module.api.C_Logout(session);
              callLogin();
            } catch (e2) {
              throw this.failure(t, e2, 'login');
            }
          }
        }
        t.loggedIn = true;
        this.touch(t);
        readFlagsQuietly(t);
        if (!t.keysExact) rescanKeys(t, session, this.logger);
      });
      this.logger.info('pkcs11.login.ok', { tokenId, pinpad: pin === null });
    } catch (e) {
      const err = e instanceof AgentError ? e : toAgentError(e, 'login');
      this.logger.warn('pkcs11.login.failed', { tokenId, reason: err.reason, detail: err.logDetail });
      throw err;
    } finally {
      pin?.fill(0);
    }
  }

  async logout(tokenId?: string): Promise<void> {
    const targets = tokenId === undefined ? [...this.tokens.values()] : [this.tokens.get(tokenId)].filter((t): t is TokenEntry => !!t);
    await Promise.all(targets.map((t) => t.module.queue.run(() => this.logoutNow(t))));
  }

  /**
   * Keeps the token logged in for one operation's signatures (a batch asks one PIN even with requirePinEveryTime).
   * With requirePinEveryTime the last release logs the token out, also when the operation signed nothing.
   */
  holdLogin(tokenId: string): () => Promise<void> {
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
      const t = this.tokens.get(tokenId);
      if (this.requirePinEveryTime && t && !this.closed) await t.module.queue.run(() => this.logoutNow(t));
    };
  }

  // ───────────────────────────── signing ─────────────────────────────

  async sign(request: SignDigestRequest, contextPin?: Uint8Array | null): Promise<SignatureResult> {
    return this.signWith(request, contextPin, false);
  }

  /**
   * Like {@link sign}, but C_Sign may run on a libuv worker thread (pkcs11js' asynchronous form; when: see
   * {@link Pkcs11TokenServiceOptions.offThreadSigning}) so the event loop prepares the next document meanwhile
   * (sign.batch). The module queue is held from C_SignInit (and the context login) until C_Sign has returned: no
   * other call enters the module in between, from either path. `hooks` run inside that queue slot.
   * A single signature is faster synchronously (no thread hop), which is why {@link sign} stays synchronous.
   */
  async signOffThread(request: SignDigestRequest, contextPin?: Uint8Array | null, hooks?: SignHooks): Promise<SignatureResult> {
    return this.signWith(request, contextPin, true, hooks);
  }

  private async signWith(request: SignDigestRequest, contextPin: Uint8Array | null | undefined, offThread: boolean, hooks?: SignHooks): Promise<SignatureResult> {
    const c = this.certs.get(request.certId) ?? (await this.certEntry(request.certId));
    const kind = c.keyInfo.kind;
    if (!c.keyId) throw new AgentError('KEY_NOT_FOUND', 'Không tìm thấy khoá bí mật / Private key not found');
    const { mechanism, data, scheme } = signingInput(kind, request);
    const t = c.token;
    if (t.flags & C.CKF_LOGIN_REQUIRED && !t.loggedIn) {
      throw new AgentError('PIN_INCORRECT', 'Cần nhập mã PIN / PIN required', { pinStatus: t.token.pinStatus }, 'sign before login');
    }
    const raw = await this.call(t, 'sign', offThread ? () => this.signNowOffThread(c, mechanism, data, contextPin) : () => this.signNow(c, mechanism, data, contextPin), hooks);
    const signature = kind === 'EC' && request.ecdsaFormat !== 'raw' ? ecdsaRawToDer(raw) : raw;
    return { signature: new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength), scheme };
  }

  /** Runs inside the module queue: C_SignInit (+ context login) + C_Sign with the cached key handle. */
  private signNow(c: CertEntry, mechanism: SignMechanism, data: Buffer, contextPin: Uint8Array | null | undefined): Buffer {
    const session = this.beginSign(c, mechanism, contextPin);
    const started = performance.now();
    const out = c.token.module.api.C_Sign(session, data, Buffer.allocUnsafe(c.keyInfo.signatureLength));
    this.endSign(c.token, started);
    return out;
  }

  /** Whether this signature's C_Sign goes to a worker thread (see {@link Pkcs11TokenServiceOptions.offThreadSigning}). */
  private offThreadFor(t: TokenEntry): boolean {
    if (typeof t.module.api.C_SignAsync !== 'function' || this.offThreadMode === 'never') return false;
    return this.offThreadMode === 'always' || (this.signMs.get(t.tokenId) ?? 0) >= OFF_THREAD_MIN_MS;
  }

  /**
   * Runs inside the module queue and holds it until the returned promise settles: C_SignInit (+ context login)
   * synchronously, then C_Sign on a worker thread. Modules without the asynchronous form sign synchronously.
   */
  private signNowOffThread(c: CertEntry, mechanism: SignMechanism, data: Buffer, contextPin: Uint8Array | null | undefined): Buffer | Promise<Buffer> {
    const api = c.token.module.api;
    if (!api.C_SignAsync || !this.offThreadFor(c.token)) return this.signNow(c, mechanism, data, contextPin);
    const session = this.beginSign(c, mechanism, contextPin);
    const started = performance.now();
    // The native worker keeps raw pointers into `data` and the output buffer (pkcs11js holds the latter): keep
    // `data` reachable until the driver is done with it.
    inFlightInputs.add(data);
    return api.C_SignAsync(session, data, Buffer.allocUnsafe(c.keyInfo.signatureLength)).then(
      (out) => {
        inFlightInputs.delete(data);
        this.endSign(c.token, started);
        return out;
      },
      (e: unknown) => {
        inFlightInputs.delete(data);
        throw e;
      },
    );
  }

  /** C_SignInit (+ context login): the synchronous steps before C_Sign, inside the module queue. Returns the session. */
  private beginSign(c: CertEntry, mechanism: SignMechanism, contextPin: Uint8Array | null | undefined): Buffer {
    const t = c.token;
    const api = t.module.api;
    const session = ensureSession(t);
    const key = c.keyHandle ?? this.findKeyHandle(c, session);
    try {
      api.C_SignInit(session, mechanism, key);
    } catch (e) {
      if (ckrCode(e) !== C.CKR_OPERATION_ACTIVE) throw e;
      // A previous C_Sign failed without terminating its operation (a driver bug, or a fault injected before the
      // real call): finish it with a throw-away C_Sign, then start ours. Not a PIN retry: no login is repeated.
      this.abandonSign(api, session, c);
      api.C_SignInit(session, mechanism, key);
    }
    if (c.alwaysAuthenticate) {
      try {
        if (contextPin === null || contextPin === undefined) api.C_Login(session, C.CKU_CONTEXT_SPECIFIC);
        else api.C_Login(session, C.CKU_CONTEXT_SPECIFIC, Buffer.from(contextPin.buffer, contextPin.byteOffset, contextPin.byteLength).toString('utf8'));
      } catch (e) {
        // A failed context login leaves the sign operation active: C_Sign fails and thereby terminates it.
        this.abandonSign(api, session, c);
        throw this.failure(t, e, 'contextLogin');
      }
    }
    return session;
  }

  /** After a successful C_Sign, still inside the queue: per-signature logout (requirePinEveryTime) or idle timer. */
  private endSign(t: TokenEntry, started: number): void {
    const ms = performance.now() - started;
    const avg = this.signMs.get(t.tokenId);
    this.signMs.set(t.tokenId, avg === undefined ? ms : avg * 0.8 + ms * 0.2);
    if (this.requirePinEveryTime && !this.holds.has(t.tokenId)) this.logoutNow(t);
    else this.touch(t);
  }

  /** Ends an active sign operation whose result nobody wants (PKCS#11 has no cancel before v3.0). */
  private abandonSign(api: Pkcs11Api, session: Buffer, c: CertEntry): void {
    try {
      api.C_Sign(session, Buffer.alloc(c.keyInfo.kind === 'EC' ? 32 : 51), Buffer.alloc(c.keyInfo.signatureLength));
    } catch {
      /* expected: the operation is over either way */
    }
  }

  private findKeyHandle(c: CertEntry, session: Buffer): Buffer {
    const api = c.token.module.api;
    const keyId = c.keyId as Buffer;
    const h = keyId.length === 0
      ? readKeys(api, session, C.CKO_PRIVATE_KEY).find((k) => samePublicValue(k.publicValue, c.keyInfo.publicValue))?.handle
      : findObjects(api, session, [{ type: C.CKA_CLASS, value: C.CKO_PRIVATE_KEY }, { type: C.CKA_ID, value: keyId }])[0];
    if (!h) throw new AgentError('KEY_NOT_FOUND', 'Không tìm thấy khoá bí mật / Private key not found', {}, 'no private key object with the certificate CKA_ID');
    c.keyHandle = h;
    return h;
  }

  // ───────────────────────────── changes ─────────────────────────────

  onTokensChanged(listener: (tokens: Token[]) => void): () => void {
    this.listeners.add(listener);
    if (!this.scanned) void this.scan().catch(() => undefined);
    this.watcher.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.watcher.stop();
    };
  }

  modules(): ModuleReport[] {
    return this.reports.map((r) => ({ ...r }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher.stop();
    this.listeners.clear();
    for (const t of [...this.tokens.values()]) {
      // Inside the queue: dropping closes the session, which must not race an asynchronous C_Sign still in flight.
      await t.module.queue.run(() => {
        try {
          this.logoutNow(t);
        } finally {
          this.dropToken(t);
        }
      }).catch(() => undefined);
    }
    for (const m of this.loaded) await unloadModule(m, this.logger);
  }

  // ───────────────────────────── internals ─────────────────────────────

  private tokenList(): Token[] {
    return [...this.tokens.values()].map((t) => ({ ...t.token }));
  }

  private certView(c: CertEntry, now: Date): Cert {
    return { ...c.cert, status: certsLib().statusAt(c.notBefore, c.notAfter, now) };
  }

  private async certEntry(certId: string): Promise<CertEntry> {
    let c = this.certs.get(certId);
    if (!c) {
      await this.scan();
      c = this.certs.get(certId);
    }
    if (!c) throw notFound();
    return c;
  }

  private async tokenEntry(tokenId: string): Promise<TokenEntry> {
    let t = this.tokens.get(tokenId);
    if (!t) {
      await this.scan();
      t = this.tokens.get(tokenId);
    }
    if (!t) throw notFound();
    return t;
  }

  private loginRequired(t: TokenEntry): boolean {
    if (!(t.flags & C.CKF_LOGIN_REQUIRED)) return false;
    return this.requirePinEveryTime || !t.loggedIn;
  }

  /**
   * Runs a task on the token's module queue; PKCS#11 failures become AgentErrors and gone tokens are dropped.
   * The failure is mapped INSIDE the queue slot: mapping may close the session or read token flags, and with an
   * asynchronous C_Sign of another caller in flight on a worker thread, a call from outside the queue would enter
   * the module concurrently.
   */
  private async call<T>(t: TokenEntry, op: Pkcs11Operation, task: () => T | Promise<T>, hooks?: SignHooks): Promise<T> {
    const fail = (e: unknown): never => {
      const err = this.failure(t, e, op);
      hooks?.onFailure?.(err);
      throw err;
    };
    try {
      const slot = t.module.queue.run(() => {
        let result: T | Promise<T>;
        try {
          hooks?.beforeToken?.();
          result = task();
        } catch (e) {
          return fail(e);
        }
        return result instanceof Promise ? result.catch(fail) : result;
      });
      hooks?.queued?.();
      return await slot;
    } catch (e) {
      const err = e instanceof AgentError ? e : toAgentError(e, op);
      this.logger.warn(`pkcs11.${op}.failed`, { tokenId: t.tokenId, reason: err.reason, detail: err.logDetail });
      throw err;
    }
  }

  /** Maps a PKCS#11 failure (call it inside the queue). Removal drops the session; PIN failures read the new PIN status. */
  private failure(t: TokenEntry, e: unknown, op: Pkcs11Operation): AgentError {
    if (e instanceof AgentError) return e;
    const code = ckrCode(e);
    if (isTokenGone(code) || code === C.CKR_KEY_HANDLE_INVALID || code === C.CKR_OBJECT_HANDLE_INVALID) {
      resetSession(t);
      return toAgentError(e, op);
    }
    if (code === C.CKR_USER_NOT_LOGGED_IN) t.loggedIn = false;
    let pinStatus: PinStatus | undefined;
    if (op === 'login' || op === 'contextLogin') pinStatus = readFlagsQuietly(t);
    return toAgentError(e, op, pinStatus);
  }

  private touch(t: TokenEntry): void {
    t.lastUsed = Date.now();
    if (t.idleTimer === undefined && t.loggedIn) this.armIdle(t, this.idleMs);
  }

  /** One timer per logged-in token; it re-arms itself for the rest of the window instead of being reset per call. */
  private armIdle(t: TokenEntry, ms: number): void {
    t.idleTimer = setTimeout(() => {
      t.idleTimer = undefined;
      if (!t.loggedIn || this.closed) return;
      const left = t.lastUsed + this.idleMs - Date.now();
      if (left > 0) return this.armIdle(t, left);
      void t.module.queue.run(() => this.logoutNow(t)).then(() => this.logger.info('pkcs11.logout.idle', { tokenId: t.tokenId }));
    }, ms);
    t.idleTimer.unref();
  }

  private logoutNow(t: TokenEntry): void {
    if (t.idleTimer) clearTimeout(t.idleTimer);
    t.idleTimer = undefined;
    logoutSession(t);
  }

  private dropToken(t: TokenEntry): void {
    if (t.idleTimer) clearTimeout(t.idleTimer);
    t.idleTimer = undefined;
    resetSession(t);
    for (const c of t.certs) this.certs.delete(c.certId);
    this.tokens.delete(t.tokenId);
  }

  private async onSlotsMaybeChanged(): Promise<void> {
    if (this.closed) return;
    try {
      await this.scan();
      this.emitIfChanged(this.tokenList());
    } catch (e) {
      this.logger.warn('pkcs11.watch.failed', { detail: e instanceof Error ? e.message : String(e) });
    }
  }

  private emitIfChanged(list: Token[]): void {
    const sig = list.map((t) => t.tokenId).sort().join(',');
    if (sig === this.lastSignature) return;
    this.lastSignature = sig;
    for (const l of this.listeners) {
      try {
        l(list);
      } catch (e) {
        this.logger.error('pkcs11.listener.failed', { detail: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  /** Re-reads slots of every module; keeps entries (sessions, logins) of tokens still present, reads new ones. */
  private async scan(): Promise<void> {
    if (this.closed) return;
    if (!certsLibLoaded()) {
      await loadCertsLib();
      if (this.closed) return;
    }
    await Promise.all(this.loaded.map((m) => m.queue.run(() => this.scanModule(m))));
    this.scanned = true;
    if (this.lastSignature === '' && this.listeners.size === 0) this.lastSignature = [...this.tokens.keys()].sort().join(',');
  }

  private scanModule(m: LoadedModule): void {
    if (m.report.status !== 'loaded') return;
    let slots: Buffer[];
    try {
      slots = m.api.C_GetSlotList(true);
    } catch (e) {
      this.logger.warn('pkcs11.scan.failed', { module: m.displayName, detail: toAgentError(e, 'enumerate').logDetail });
      return;
    }
    const present = new Set<string>();
    for (const slot of slots) {
      try {
        const info = m.api.C_GetTokenInfo(slot);
        const serial = trimP11(info.serialNumber);
        const label = trimP11(info.label);
        const tokenId = hashId(m.realPath, slot.toString('hex'), serial, label);
        present.add(tokenId);
        const existing = this.tokens.get(tokenId);
        if (existing) {
          existing.flags = info.flags;
          existing.token.pinStatus = pinStatusFromFlags(info.flags);
          continue;
        }
        const t = readToken(m, slot, tokenId, info, serial, label, this.clock, this.logger);
        this.tokens.set(tokenId, t);
        for (const c of t.certs) this.certs.set(c.certId, c);
      } catch (e) {
        // CKR_TOKEN_NOT_RECOGNIZED: an uninitialised or foreign card (SoftHSM2's free slot) — nothing to show.
        const level = ckrCode(e) === C.CKR_TOKEN_NOT_RECOGNIZED ? 'info' : 'warn';
        this.logger[level]('pkcs11.scan.slot_skipped', { module: m.displayName, detail: toAgentError(e, 'enumerate').logDetail });
      }
    }
    for (const t of [...this.tokens.values()]) if (t.module === m && !present.has(t.tokenId)) this.dropToken(t);
  }

}

/** Builds the token service: loads (and reports) every candidate module. Never throws for a bad module. */
export function createPkcs11TokenService(options: Pkcs11TokenServiceOptions): Pkcs11TokenService {
  return new Pkcs11TokenService(options);
}

