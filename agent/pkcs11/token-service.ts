// Pkcs11TokenService: the TokenService port over pkcs11js, composed of the inventory (token-inventory.ts), logins
// (login-session.ts), signatures (sign-operation.ts) and the one module-call path (module-call.ts).
import type { AuthState, Clock, Logger, ModuleReport, SignatureResult, SignDigestRequest, SignHooks, TokenService } from '../core/ports.js';
import type { Cert, Token } from '../core/types.js';
import type { ModuleCandidate } from './catalog.js';
import { loadModules, unloadModule } from './loader.js';
import type { LoadedModule } from './loader.js';
import { LoginSessions } from './login-session.js';
import { callModule } from './module-call.js';
import { defaultPkcs11Factory } from './pkcs11-api.js';
import type { Pkcs11Factory } from './pkcs11-api.js';
import { SignOperations } from './sign-operation.js';
import { TokenInventory } from './token-inventory.js';
import { readFlags } from './token-state.js';
import type { TokenEntry } from './token-state.js';

export { OFF_THREAD_MIN_MS } from './sign-operation.js';

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

/** The TokenService over real PKCS#11 modules. Create it with {@link createPkcs11TokenService}. */
export class Pkcs11TokenService implements TokenService {
  private readonly loaded: LoadedModule[];
  private readonly reports: ModuleReport[];
  private readonly inventory: TokenInventory;
  private readonly logins: LoginSessions;
  private readonly signatures: SignOperations;
  private readonly logger: Logger;
  private closed = false;

  constructor(options: Pkcs11TokenServiceOptions) {
    this.logger = options.logger;
    const { loaded, reports } = loadModules(options.modules, options.pkcs11Factory ?? defaultPkcs11Factory, options.logger);
    this.loaded = loaded;
    this.reports = reports;
    const closed = (): boolean => this.closed;
    this.inventory = new TokenInventory(loaded, options.clock, options.logger, options.pollMs ?? 1500, closed);
    this.logins = new LoginSessions({
      logger: options.logger,
      idleMs: Math.max(0, (options.idleMinutes ?? 5) * 60_000),
      requirePinEveryTime: options.requirePinEveryTime ?? false,
      closed,
    });
    this.signatures = new SignOperations(this.logins, options.logger, options.offThreadSigning ?? 'auto');
  }

  // ───────────────────────────── tokens and certificates (token-inventory.ts) ─────────────────────────────

  async listTokens(): Promise<Token[]> {
    await this.inventory.scan();
    return this.inventory.list();
  }

  refresh(): Promise<Token[]> {
    return this.inventory.refresh();
  }

  async listCertificates(): Promise<Cert[]> {
    await this.inventory.scan();
    return this.inventory.certificates();
  }

  async getCertificate(certId: string): Promise<Cert> {
    return this.inventory.certView(await this.inventory.certEntry(certId));
  }

  async getChain(certId: string): Promise<Uint8Array[]> {
    return this.inventory.chainOf(await this.inventory.certEntry(certId));
  }

  onTokensChanged(listener: (tokens: Token[]) => void): () => void {
    return this.inventory.onChange(listener);
  }

  modules(): ModuleReport[] {
    return this.reports.map((r) => ({ ...r }));
  }

  // ───────────────────────────── login (login-session.ts) ─────────────────────────────

  async authState(certId: string): Promise<AuthState> {
    const c = await this.inventory.certEntry(certId);
    const t = c.token;
    await callModule(t, 'session', () => readFlags(t), this.logger);
    return {
      tokenId: t.tokenId,
      loginRequired: this.logins.required(t),
      alwaysAuthenticate: c.alwaysAuthenticate,
      pinpad: t.token.pinpad,
      pinStatus: t.token.pinStatus,
    };
  }

  login(tokenId: string, pin: Uint8Array | null): Promise<void> {
    return this.logins.login(tokenId, () => this.inventory.tokenEntry(tokenId), pin);
  }

  async logout(tokenId?: string): Promise<void> {
    const { tokens } = this.inventory;
    const targets = tokenId === undefined ? [...tokens.values()] : [tokens.get(tokenId)].filter((t): t is TokenEntry => !!t);
    await Promise.all(targets.map((t) => t.module.queue.run(() => this.logins.logoutNow(t))));
  }

  holdLogin(tokenId: string): () => Promise<void> {
    return this.logins.hold(tokenId, (id) => this.inventory.tokens.get(id));
  }

  // ───────────────────────────── signing (sign-operation.ts) ─────────────────────────────

  async sign(request: SignDigestRequest, contextPin?: Uint8Array | null): Promise<SignatureResult> {
    const c = this.inventory.certs.get(request.certId) ?? (await this.inventory.certEntry(request.certId));
    return this.signatures.sign(c, request, contextPin, false);
  }

  /**
   * Like {@link sign}, but C_Sign may run on a libuv worker thread (pkcs11js' asynchronous form; when: see
   * {@link Pkcs11TokenServiceOptions.offThreadSigning}) so the event loop prepares the next document meanwhile
   * (sign.batch). The module queue is held from C_SignInit (and the context login) until C_Sign has returned: no
   * other call enters the module in between, from either path. `hooks` run inside that queue slot.
   * A single signature is faster synchronously (no thread hop), which is why {@link sign} stays synchronous.
   */
  async signOffThread(request: SignDigestRequest, contextPin?: Uint8Array | null, hooks?: SignHooks): Promise<SignatureResult> {
    const c = this.inventory.certs.get(request.certId) ?? (await this.inventory.certEntry(request.certId));
    return this.signatures.sign(c, request, contextPin, true, hooks);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.inventory.stop();
    for (const t of [...this.inventory.tokens.values()]) {
      // Inside the queue: dropping closes the session, which must not race an asynchronous C_Sign still in flight.
      await t.module.queue.run(() => {
        try {
          this.logins.logoutNow(t);
        } finally {
          this.inventory.drop(t);
        }
      }).catch(() => undefined);
    }
    for (const m of this.loaded) await unloadModule(m, this.logger);
  }
}

/** Builds the token service: loads (and reports) every candidate module. Never throws for a bad module. */
export function createPkcs11TokenService(options: Pkcs11TokenServiceOptions): Pkcs11TokenService {
  return new Pkcs11TokenService(options);
}

