// Slot watcher: notices token insertion/removal (C_WaitForSlotEvent without blocking, else slot-list polling).
import type { Logger } from '../core/ports.js';
import { ckrCode } from './ckr.js';
import { CKF_DONT_BLOCK, CKR_NO_EVENT } from './constants.js';
import type { LoadedModule } from './loader.js';

/**
 * Polls every module on one unref'd timer. Modules that support non-blocking C_WaitForSlotEvent are asked for
 * events (cheap, and they see hot-plugged readers); the others get their present-slot list compared with the last
 * one. Blocking C_WaitForSlotEvent is never used: it would hold the module's call queue.
 */
export class SlotWatcher {
  private timer: NodeJS.Timeout | undefined;
  private readonly events = new Map<LoadedModule, boolean>();
  private readonly lastSlots = new Map<LoadedModule, string>();
  private readonly sawEvent = new Set<LoadedModule>();
  private busy = false;

  constructor(
    private readonly modules: LoadedModule[],
    private readonly intervalMs: number,
    private readonly onChange: () => void,
    private readonly logger: Logger,
  ) {}

  /**
   * Whether the module has reported a slot event since it was loaded. Answering CKR_NO_EVENT proves nothing:
   * SoftHSM2 does that and still only sees new tokens after a re-initialise. refresh() re-initialises the others.
   */
  reportsEvents(m: LoadedModule): boolean {
    return this.sawEvent.has(m);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round over all modules (public for tests). Resolves true when something changed. */
  async tick(): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    let changed = false;
    try {
      for (const m of this.modules) {
        if (m.report.status !== 'loaded') continue;
        if (await m.queue.run(() => this.checkModule(m))) changed = true;
      }
    } finally {
      this.busy = false;
    }
    if (changed) this.onChange();
    return changed;
  }

  private checkModule(m: LoadedModule): boolean {
    let changed = false;
    if (this.events.get(m) !== false) {
      try {
        // Drain: one call reports one slot; several tokens may have moved since the last tick.
        for (let i = 0; i < 16 && m.api.C_WaitForSlotEvent(CKF_DONT_BLOCK) !== null; i++) {
          changed = true;
          this.sawEvent.add(m);
        }
        this.events.set(m, true);
      } catch (e) {
        if (ckrCode(e) === CKR_NO_EVENT) this.events.set(m, true);
        else {
          if (!this.events.has(m)) this.logger.info('pkcs11.watch.polling', { module: m.displayName });
          this.events.set(m, false); // CKR_FUNCTION_NOT_SUPPORTED (SoftHSM2, NSS) or broken: poll instead
        }
      }
    }
    try {
      const sig = m.api.C_GetSlotList(true).map((s) => s.toString('hex')).join(',');
      const before = this.lastSlots.get(m);
      this.lastSlots.set(m, sig);
      if (before !== undefined && before !== sig) changed = true;
    } catch {
      /* module trouble shows up in the next scan's log */
    }
    return changed;
  }
}
