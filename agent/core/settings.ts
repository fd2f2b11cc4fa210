// The user's settings (approved/blocked origins, language, PIN session, last certificate per origin) and their store port.
import { z } from 'zod';
import type { Lang, Logger } from './ports.js';

/** What the agent remembers for the user between runs. Written atomically by the SettingsStore implementation. */
export interface Settings {
  approvedOrigins: string[];
  blockedOrigins: string[];
  language: Lang;
  /** Idle minutes a token login stays valid (the policy may force PIN every time). */
  pinSessionMinutes: number;
  /** Normalised origin → thumbprintSha256 of the certificate the user last picked there. */
  lastCertByOrigin: Record<string, string>;
}

/**
 * Persistence of Settings, implemented by the composition root (atomic temp-file + rename in the data dir).
 * `load` resolves with whatever is stored (possibly unvalidated JSON); the core validates it with `parseSettings`.
 */
export interface SettingsStore {
  load(): Promise<unknown>;
  save(settings: Settings): Promise<void>;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  approvedOrigins: [],
  blockedOrigins: [],
  language: 'vi',
  pinSessionMinutes: 5,
  lastCertByOrigin: {},
});

const settingsSchema = z.object({
  approvedOrigins: z.array(z.string().max(2048)).max(10_000).default([]),
  blockedOrigins: z.array(z.string().max(2048)).max(10_000).default([]),
  language: z.enum(['vi', 'en']).default('vi'),
  pinSessionMinutes: z.number().int().min(0).max(480).default(5),
  lastCertByOrigin: z.record(z.string().max(2048), z.string().max(128)).default({}),
});

/** Validates stored settings; null when they are corrupt (the caller backs the file up and uses defaults). */
export function parseSettings(value: unknown): Settings | null {
  if (value === undefined || value === null) return cloneSettings(DEFAULT_SETTINGS);
  const r = settingsSchema.safeParse(value);
  if (!r.success) return null;
  return { ...r.data, lastCertByOrigin: Object.assign(Object.create(null) as Record<string, string>, r.data.lastCertByOrigin) };
}

function cloneSettings(s: Readonly<Settings>): Settings {
  return {
    approvedOrigins: [...s.approvedOrigins],
    blockedOrigins: [...s.blockedOrigins],
    language: s.language,
    pinSessionMinutes: s.pinSessionMinutes,
    lastCertByOrigin: Object.assign(Object.create(null) as Record<string, string>, s.lastCertByOrigin),
  };
}

/**
 * The settings in memory (synchronous reads for the hot path: origin checks on every upgrade) with saves
 * serialised through the store, so two concurrent updates never interleave their writes.
 */
export class SettingsCell {
  private current: Settings;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly store: SettingsStore | null, initial: Settings, private readonly logger?: Logger) {
    this.current = cloneSettings(initial);
  }

  /** Loads and validates; a corrupt value is logged and replaced by defaults (never a crash loop). */
  static async open(store: SettingsStore, logger?: Logger): Promise<SettingsCell> {
    let loaded: Settings | null;
    try {
      loaded = parseSettings(await store.load());
    } catch (e) {
      logger?.warn('settings.load-failed', { detail: e instanceof Error ? e.message : String(e) });
      loaded = null;
    }
    if (!loaded) logger?.warn('settings.corrupt', { action: 'defaults' });
    return new SettingsCell(store, loaded ?? cloneSettings(DEFAULT_SETTINGS), logger);
  }

  /** In-memory settings that are never saved (tests, benchmarks). */
  static inMemory(initial: Partial<Settings> = {}): SettingsCell {
    return new SettingsCell(null, { ...cloneSettings(DEFAULT_SETTINGS), ...initial });
  }

  get(): Readonly<Settings> {
    return this.current;
  }

  /** Applies `change` to a copy, makes it current at once, and queues the save. Resolves when saved. */
  update(change: (draft: Settings) => void): Promise<void> {
    const draft = cloneSettings(this.current);
    change(draft);
    this.current = draft;
    const snapshot = cloneSettings(draft);
    const store = this.store;
    this.saving = this.saving.then(async () => {
      if (!store) return;
      try {
        await store.save(snapshot);
      } catch (e) {
        this.logger?.error('settings.save-failed', { detail: e instanceof Error ? e.message : String(e) });
      }
    });
    return this.saving;
  }
}
