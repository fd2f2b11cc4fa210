// The panels over a running agent's parts: CA trust rows for diagnostics, and the settings cell behind the settings page.
import { describe, expect, it } from 'vitest';
import { SettingsCell } from '../core/settings.js';
import { caTrustRows, createAgentPanels, type PanelSources } from './panels.js';

describe('caTrustRows', () => {
  it('maps every CA store status to a diagnostics row and keeps the store label', () => {
    const rows = caTrustRows({
      stores: [
        { label: 'NSS ~/.pki/nssdb', status: 'installed' },
        { label: 'Firefox default', status: 'absent' },
        { label: 'NSS old', status: 'stale' },
        { label: 'Windows', status: 'unavailable', error: 'certutil not found' },
      ],
    });
    expect(rows).toEqual([
      { store: 'NSS ~/.pki/nssdb', status: 'trusted' },
      { store: 'Firefox default', status: 'missing' },
      { store: 'NSS old', status: 'error', detail: 'stale CA / CA cũ' },
      { store: 'Windows', status: 'unsupported', detail: 'certutil not found' },
    ]);
  });
});

describe('createAgentPanels with a settings cell', () => {
  const sources = (settings: SettingsCell): PanelSources => ({
    version: '0.0.0-test',
    platform: 'linux x64',
    access: { list: () => ({ approved: [], blocked: [] }), revoke: async () => undefined },
    settings,
    policy: { path: '/etc/kyso-agent/policy.json', source: 'default', problems: [], policy: { signing: { requirePinEveryTime: false, pinSessionMinutes: 30 } } },
    tokens: { modules: () => [], listTokens: async () => [], listCertificates: async () => [] },
    ports: () => ({ tls: 14433, plain: null, vnpt: null }),
    caTrust: async () => caTrustRows({ stores: [{ label: 'NSS', status: 'installed' }] }),
    lang: () => 'en',
  });

  it('reads and writes language and PIN minutes through the cell, and reports CA trust', async () => {
    const cell = SettingsCell.inMemory();
    const panels = createAgentPanels(sources(cell));
    await panels.applySettings({ kind: 'lang', lang: 'en' });
    await panels.applySettings({ kind: 'pinSessionMinutes', minutes: 12 });
    expect(cell.get().language).toBe('en');
    expect(cell.get().pinSessionMinutes).toBe(12);
    const view = await panels.settings();
    expect(view).toMatchObject({ lang: 'en', pinSessionMinutes: 12, pinSessionMaxMinutes: 30, requirePinEveryTime: false });
    expect((await panels.diagnostics()).caTrust).toEqual([{ store: 'NSS', status: 'trusted' }]);
  });
});
