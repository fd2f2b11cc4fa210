// What is plugged in: tokens and certificates of every loaded module, re-scanned on demand, changes announced.
import { AgentError } from '../core/errors.js';
import type { Clock, Logger } from '../core/ports.js';
import type { Cert, Token } from '../core/types.js';
import { certsLib, certsLibLoaded, loadCertsLib } from './certs-lib.js';
import { ckrCode, pinStatusFromFlags, toAgentError } from './ckr.js';
import * as C from './constants.js';
import { reinitialiseModule } from './loader.js';
import type { LoadedModule } from './loader.js';
import { hashId, readToken, resetSession, trimP11 } from './token-state.js';
import type { CertEntry, TokenEntry } from './token-state.js';
import { SlotWatcher } from './watcher.js';

const notFound = (): AgentError => new AgentError('CERTIFICATE_NOT_FOUND', 'Không tìm thấy chứng thư số / Certificate not found');

/** The tokens and certificates of one service's modules. */
export class TokenInventory {
  readonly tokens = new Map<string, TokenEntry>();
  readonly certs = new Map<string, CertEntry>();
  private readonly listeners = new Set<(tokens: Token[]) => void>();
  private readonly watcher: SlotWatcher;
  private scanned = false;
  private lastSignature = '';

  constructor(private readonly loaded: LoadedModule[], private readonly clock: Clock, private readonly logger: Logger, pollMs: number, private readonly closed: () => boolean) {
    this.watcher = new SlotWatcher(loaded, pollMs, () => void this.onSlotsMaybeChanged(), logger);
  }

  list(): Token[] {
    return [...this.tokens.values()].map((t) => ({ ...t.token }));
  }

  /** Re-scan, re-initialising modules that do not report slot changes; listeners hear of a change. */
  async refresh(): Promise<Token[]> {
    for (const m of this.loaded) {
      if (this.watcher.reportsEvents(m)) continue;
      // Modules without slot events (SoftHSM2) only see created/deleted tokens after C_Finalize + C_Initialize.
      // Dropped inside the module queue, right before C_Finalize invalidates every session and handle.
      await reinitialiseModule(m, this.logger, () => {
        for (const t of [...this.tokens.values()]) if (t.module === m) this.drop(t);
      });
    }
    await this.scan();
    const list = this.list();
    this.emitIfChanged(list);
    return list;
  }

  /** Every known certificate, its validity read at one instant. */
  certificates(): Cert[] {
    const now = this.clock.now();
    return [...this.certs.values()].map((c) => this.certView(c, now));
  }

  certView(c: CertEntry, now: Date = this.clock.now()): Cert {
    return { ...c.cert, status: certsLib().statusAt(c.notBefore, c.notAfter, now) };
  }

  async certEntry(certId: string): Promise<CertEntry> {
    let c = this.certs.get(certId);
    if (!c) {
      await this.scan();
      c = this.certs.get(certId);
    }
    if (!c) throw notFound();
    return c;
  }

  async tokenEntry(tokenId: string): Promise<TokenEntry> {
    let t = this.tokens.get(tokenId);
    if (!t) {
      await this.scan();
      t = this.tokens.get(tokenId);
    }
    if (!t) throw notFound();
    return t;
  }

  /** Intermediates above the leaf among the token's own certificates (DER), the self-signed root left out. */
  chainOf(leaf: CertEntry): Uint8Array[] {
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

  onChange(listener: (tokens: Token[]) => void): () => void {
    this.listeners.add(listener);
    if (!this.scanned) void this.scan().catch(() => undefined);
    this.watcher.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.watcher.stop();
    };
  }

  /** Stops watching (service close). */
  stop(): void {
    this.watcher.stop();
    this.listeners.clear();
  }

  /** Forgets a token (removed, or its module re-initialised): its session closed, its certificates gone. */
  drop(t: TokenEntry): void {
    if (t.idleTimer) clearTimeout(t.idleTimer);
    t.idleTimer = undefined;
    resetSession(t);
    for (const c of t.certs) this.certs.delete(c.certId);
    this.tokens.delete(t.tokenId);
  }

  /** Re-reads slots of every module; keeps entries (sessions, logins) of tokens still present, reads new ones. */
  async scan(): Promise<void> {
    if (this.closed()) return;
    if (!certsLibLoaded()) {
      await loadCertsLib();
      if (this.closed()) return;
    }
    await Promise.all(this.loaded.map((m) => m.queue.run(() => this.scanModule(m))));
    this.scanned = true;
    if (this.lastSignature === '' && this.listeners.size === 0) this.lastSignature = [...this.tokens.keys()].sort().join(',');
  }

  private async onSlotsMaybeChanged(): Promise<void> {
    if (this.closed()) return;
    try {
      await this.scan();
      this.emitIfChanged(this.list());
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
    for (const t of [...this.tokens.values()]) if (t.module === m && !present.has(t.tokenId)) this.drop(t);
  }
}
