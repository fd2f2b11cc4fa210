import { describe, expect, it } from 'vitest';
import { MemoryLogger } from './testing/harness.js';
import { DEFAULT_SETTINGS, parseSettings, SettingsCell, type Settings, type SettingsStore } from './settings.js';

describe('settings', () => {
  it('parseSettings_fillsDefaults_andRejectsCorruptValues', () => {
    expect(parseSettings(undefined)).toEqual({ ...DEFAULT_SETTINGS });
    expect(parseSettings({ language: 'en' })?.language).toBe('en');
    expect(parseSettings({ approvedOrigins: 'x' })).toBeNull();
    expect(parseSettings('garbage')).toBeNull();
  });
  it('open_whenCorrupt_usesDefaultsAndLogs', async () => {
    const logger = new MemoryLogger();
    const store: SettingsStore = { load: async () => ({ pinSessionMinutes: 'five' }), save: async () => {} };
    const cell = await SettingsCell.open(store, logger);
    expect(cell.get().pinSessionMinutes).toBe(5);
    expect(logger.entries.some((e) => e.event === 'settings.corrupt')).toBe(true);
  });
  it('update_isVisibleAtOnce_andSavesInOrder', async () => {
    const saved: Settings[] = [];
    const store: SettingsStore = {
      load: async () => ({}),
      save: async (s) => {
        await new Promise((r) => setTimeout(r, 1));
        saved.push(s);
      },
    };
    const cell = await SettingsCell.open(store);
    const a = cell.update((s) => s.approvedOrigins.push('https://a.example'));
    const b = cell.update((s) => s.approvedOrigins.push('https://b.example'));
    expect(cell.get().approvedOrigins).toEqual(['https://a.example', 'https://b.example']);
    await Promise.all([a, b]);
    expect(saved.map((s) => s.approvedOrigins.length)).toEqual([1, 2]);
  });
});
