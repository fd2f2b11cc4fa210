// PanelProvider over a running agent: sites from the origin access list, settings, diagnostics (doctor's facts), about.
import type { Lang, ModuleReport } from '../core/ports.js';
import type { Cert, Token } from '../core/types.js';
import type { AboutInfo, DiagnosticsReport, SettingsAction, SettingsView } from '../core/ui-contract.js';
import type { PanelProvider } from './dialog-prompt.js';
import { renderReport } from '../core/verify/render.js';
import type { DocumentVerifier } from '../core/verify/report.js';

/** The parts of a running agent the panels read (RunningAgent satisfies most of it; the settings cell is optional). */
export interface PanelSources {
  version: string;
  platform: string;
  access: { list(): { approved: string[]; blocked: string[] }; revoke(origin: string): Promise<void> };
  settings?: { get(): Readonly<{ language: Lang; pinSessionMinutes: number }>; update(change: (draft: { language: Lang; pinSessionMinutes: number }) => void): Promise<void> };
  policy: { path: string; source: 'file' | 'default' | 'safest'; problems: string[]; policy: { signing: { requirePinEveryTime: boolean; pinSessionMinutes: number } } };
  tokens: { modules(): ModuleReport[]; listTokens(): Promise<Token[]>; listCertificates(): Promise<Cert[]> };
  ports: () => DiagnosticsReport['ports'];
  caTrust?: () => Promise<DiagnosticsReport['caTrust']>;
  startAtLogin?: { get(): Promise<boolean>; set(enabled: boolean): Promise<void> };
  /** The tray/host language when no settings cell is wired. */
  lang: () => Lang;
  onLanguage?: (lang: Lang) => void;
  components?: AboutInfo['components'];
  /** The verification service behind the "Kiểm tra chữ ký" page (absent: the page answers nothing). */
  verifier?: DocumentVerifier;
}

/** Upper bound of the PIN session the settings page offers (the settings schema allows up to 480). */
const MAX_SESSION_MINUTES = 480;

export function createAgentPanels(src: PanelSources): PanelProvider {
  const lang = () => src.settings?.get().language ?? src.lang();
  return {
    async settings(): Promise<SettingsView> {
      const sites = src.access.list();
      const policyCap = src.policy.policy.signing.pinSessionMinutes;
      return {
        approvedOrigins: sites.approved,
        blockedOrigins: sites.blocked,
        lang: lang(),
        langLocked: false,
        pinSessionMinutes: src.settings?.get().pinSessionMinutes ?? policyCap,
        pinSessionMaxMinutes: Math.min(MAX_SESSION_MINUTES, Math.max(policyCap, 0) || MAX_SESSION_MINUTES),
        requirePinEveryTime: src.policy.policy.signing.requirePinEveryTime || !src.settings,
        startAtLogin: src.startAtLogin ? await src.startAtLogin.get() : null,
      };
    },
    async applySettings(a: SettingsAction) {
      switch (a.kind) {
        case 'revoke':
        case 'unblock':
          // Both forget the user's own decision; admin policy entries stay in force.
          return src.access.revoke(a.origin);
        case 'lang':
          if (a.lang !== 'vi' && a.lang !== 'en') throw new Error('bad language');
          await src.settings?.update((s) => void (s.language = a.lang));
          src.onLanguage?.(a.lang);
          return;
        case 'pinSessionMinutes': {
          const m = Math.round(a.minutes);
          if (!Number.isFinite(m) || m < 0 || m > MAX_SESSION_MINUTES) throw new Error('bad minutes');
          await src.settings?.update((s) => void (s.pinSessionMinutes = m));
          return;
        }
        case 'startAtLogin':
          if (!src.startAtLogin) throw new Error('not supported');
          return src.startAtLogin.set(a.enabled === true);
        default:
          throw new Error('unknown action');
      }
    },
    async diagnostics(): Promise<DiagnosticsReport> {
      const [tokens, certs, trust] = await Promise.all([
        src.tokens.listTokens().catch(() => []),
        src.tokens.listCertificates().catch(() => []),
        src.caTrust ? src.caTrust().catch(() => []) : Promise.resolve([]),
      ]);
      const p = src.policy;
      const settings: DiagnosticsReport['policy']['settings'] = {};
      for (const [k, v] of Object.entries(p.policy as object)) {
        if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) settings[k] = v as string | number | boolean | null;
        else if (Array.isArray(v)) settings[k] = v.map(String);
        else settings[k] = JSON.stringify(v);
      }
      return {
        version: src.version,
        platform: src.platform,
        generatedAt: new Date().toISOString(),
        modules: src.tokens.modules(),
        tokens,
        certificates: certs.map(({ der: _der, ...c }) => c),
        ports: src.ports(),
        caTrust: trust,
        policy: { source: p.source === 'default' ? null : p.path, valid: p.source !== 'safest', ...(p.problems.length ? { error: p.problems.join('; ') } : {}), settings },
      };
    },
    async about(): Promise<AboutInfo> {
      return { name: 'kyso-agent', version: src.version, licence: 'Apache-2.0', components: src.components ?? [] };
    },
    ...(src.verifier ? { verify: async (input, lang) => renderReport(await src.verifier!.verify(input), lang) } : {}),
  };
}

/** The per-store part of `kyso-agent ca status` (agent/tls caStatus), structurally, so this file imports no adapter. */
export interface CaTrustSource {
  stores: Array<{ label: string; status: 'installed' | 'absent' | 'stale' | 'unavailable'; error?: string }>;
}

/** Diagnostics rows from a CA status report: installed → trusted, absent → missing, stale → error, unavailable → unsupported. */
export function caTrustRows(report: CaTrustSource): DiagnosticsReport['caTrust'] {
  const map = { installed: 'trusted', absent: 'missing', stale: 'error', unavailable: 'unsupported' } as const;
  return report.stores.map((s) => ({
    store: s.label,
    status: map[s.status],
    // An older agent CA is trusted but not the current one: say so instead of a bare "error".
    ...(s.status === 'stale' ? { detail: 'stale CA / CA cũ' } : s.error ? { detail: s.error.slice(0, 200) } : {}),
  }));
}
