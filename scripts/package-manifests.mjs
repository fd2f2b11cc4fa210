// The native-messaging host manifests the Linux package installs system-wide, one per browser family
// (docs/extension.md lists the per-user locations that `kyso-agent browser-integration install` writes).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const HOST_NAME = 'vn.kyso.agent';

/** System-wide manifest locations on Linux, relative to the root, for each browser family. */
export const SYSTEM_HOST_DIRS = {
  chrome: 'etc/opt/chrome/native-messaging-hosts',
  chromium: 'etc/chromium/native-messaging-hosts',
  edge: 'etc/opt/edge/native-messaging-hosts',
  firefox: 'usr/lib/mozilla/native-messaging-hosts',
};

/** The extension IDs the host accepts: extension/ids.json, the one record of them. */
export function extensionIds(root) {
  const file = join(root, 'extension', 'ids.json');
  if (!existsSync(file)) throw new Error('extension/ids.json is missing: the package needs the extension IDs');
  const ids = JSON.parse(readFileSync(file, 'utf8'));
  if (!/^[a-p]{32}$/.test(ids.chromium ?? '') || typeof ids.firefox !== 'string') throw new Error('extension/ids.json: bad ids');
  return ids;
}

/** `{ "<dir>/vn.kyso.agent.json": manifest }` for every browser family. */
export function nativeHostManifests(root, hostPath) {
  const ids = extensionIds(root);
  const description = 'kyso-agent native messaging host';
  const chromiumFamily = { name: HOST_NAME, description, path: hostPath, type: 'stdio', allowed_origins: [`chrome-extension://${ids.chromium}/`] };
  const firefox = { name: HOST_NAME, description, path: hostPath, type: 'stdio', allowed_extensions: [ids.firefox] };
  const out = {};
  for (const [browser, dir] of Object.entries(SYSTEM_HOST_DIRS)) {
    out[`${dir}/${HOST_NAME}.json`] = browser === 'firefox' ? firefox : chromiumFamily;
  }
  return out;
}
