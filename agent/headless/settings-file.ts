// SettingsStore over <data>/settings.json: atomic writes; a corrupt file is kept aside and replaced by defaults.
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/index.js';
import { parseSettings, type Settings, type SettingsStore } from '../core/settings.js';
import { writeFileAtomic } from '../tls/atomic-file.js'; // not tls/index.js: that loads the X.509 library

export function settingsPath(dataDir: string): string {
  return join(dataDir, 'settings.json');
}

/**
 * `load` never throws for a bad file: unreadable JSON or invalid settings are renamed to
 * `settings.json.corrupt-<timestamp>` (so the user's data is not lost) and the defaults are used.
 */
export function fileSettingsStore(dataDir: string, logger: Logger): SettingsStore {
  const file = settingsPath(dataDir);
  return {
    async load(): Promise<unknown> {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = Symbol.for('corrupt');
      }
      if (typeof value === 'symbol' || parseSettings(value) === null) {
        const backup = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        await rename(file, backup);
        logger.warn('settings.corrupt-backed-up', { backup });
        return undefined;
      }
      return value;
    },
    async save(settings: Settings): Promise<void> {
      await writeFileAtomic(file, JSON.stringify(settings, null, 2) + '\n', 0o600);
    },
  };
}
