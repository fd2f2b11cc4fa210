// Browser policies for managed fleets, generated from the kyso-agent policy (`kyso-agent policy export-browser`):
// the portals the admin approved may reach the agent on loopback without a Local Network Access prompt, the
// companion extension is force-installed, and only our native-messaging host is allowed. docs/admin.md shows them.
import type { Policy } from '../core/policy/policy.js';
import { HOST_NAME } from '../relay/extension-ids.js';

export type BrowserFamily = 'chrome' | 'edge' | 'firefox';
export const BROWSER_FAMILIES: readonly BrowserFamily[] = ['chrome', 'edge', 'firefox'];

export { HOST_NAME };
/** Update URLs of the stores the extension is published in (listings: docs/extension.md). */
export const CHROME_UPDATE_URL = 'https://clients2.google.com/service/update2/crx';
export const EDGE_UPDATE_URL = 'https://edge.microsoft.com/extensionwebstorebase/v1/crx';
export const FIREFOX_INSTALL_URL = 'https://addons.mozilla.org/firefox/downloads/latest/kyso-agent/latest.xpi';

export interface ExtensionIds {
  chromium: string;
  firefox: string;
}

/** The managed-policy JSON for one browser family (Linux files; the same names as registry values on Windows). */
export function browserPolicy(family: BrowserFamily, policy: Pick<Policy, 'allowedOrigins'>, ids: ExtensionIds, extraChromiumIds: readonly string[] = []): Record<string, unknown> {
  const origins = [...policy.allowedOrigins];
  if (family === 'firefox') {
    // Firefox's LocalNetworkAccess policy has no per-site list: the extension route is what reaches the agent.
    return {
      policies: {
        ExtensionSettings: { [ids.firefox]: { installation_mode: 'force_installed', install_url: FIREFOX_INSTALL_URL } },
      },
    };
  }
  const update = family === 'chrome' ? CHROME_UPDATE_URL : EDGE_UPDATE_URL;
  return {
    // Chromium 140+ names; Edge also reads the loopback-only one, which Chromium lists with the same precedence.
    LocalNetworkAccessAllowedForUrls: origins,
    LoopbackNetworkAccessAllowedForUrls: origins,
    ExtensionInstallForcelist: [ids.chromium, ...extraChromiumIds].map((id) => `${id};${update}`),
    NativeMessagingAllowlist: [HOST_NAME],
  };
}

/** Where an admin puts the JSON on Linux, and the registry key of the same values on Windows. */
export function policyLocation(family: BrowserFamily): { linux: string; windowsKey: string } {
  switch (family) {
    case 'chrome':
      return { linux: '/etc/opt/chrome/policies/managed/kyso-agent.json (Chromium: /etc/chromium/policies/managed/)', windowsKey: 'HKLM\\Software\\Policies\\Google\\Chrome' };
    case 'edge':
      return { linux: '/etc/opt/edge/policies/managed/kyso-agent.json', windowsKey: 'HKLM\\Software\\Policies\\Microsoft\\Edge' };
    case 'firefox':
      return { linux: '/etc/firefox/policies/policies.json', windowsKey: 'HKLM\\Software\\Policies\\Mozilla\\Firefox' };
  }
}

/** A Windows .reg file with the same values (list policies as numbered values under a subkey). */
export function browserPolicyReg(family: BrowserFamily, json: Record<string, unknown>): string {
  const key = policyLocation(family).windowsKey.replace(/^HKLM/, 'HKEY_LOCAL_MACHINE');
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const lines = ['Windows Registry Editor Version 5.00', ''];
  if (family === 'firefox') {
    const policies = json.policies as Record<string, unknown>;
    lines.push(`[${key}]`, `"ExtensionSettings"="${esc(JSON.stringify(policies.ExtensionSettings))}"`, '');
    return lines.join('\r\n');
  }
  for (const [name, value] of Object.entries(json)) {
    lines.push(`[-${key}\\${name}]`, `[${key}\\${name}]`);
    (value as string[]).forEach((v, i) => lines.push(`"${i + 1}"="${esc(v)}"`));
    lines.push('');
  }
  return lines.join('\r\n');
}
