// The companion extension's IDs (the record is extension/ids.json; a unit test keeps the two and the manifest key
// in step). Host manifests allow exactly these, plus the enterprise-built IDs of policy `extension.ids`.

/** Native-messaging host name registered with the browsers. */
export const HOST_NAME = 'vn.kyso.agent';
/** Chromium-family ID, fixed by the public key in extension/manifest.json. */
export const CHROMIUM_EXTENSION_ID = 'jhddfbmccdjfjajclfonfkifbngdcbcm';
/** Firefox add-on id (browser_specific_settings.gecko.id). */
export const FIREFOX_EXTENSION_ID = 'kyso-agent@kyso.vn';

const CHROMIUM_ID_RE = /^[a-p]{32}$/;

/** Splits our IDs plus policy IDs into the two kinds browsers use (32 a–p letters, or a Firefox add-on id). */
export function extensionIds(policyIds: readonly string[] = []): { chromium: string[]; firefox: string[] } {
  const chromium = new Set([CHROMIUM_EXTENSION_ID]);
  const firefox = new Set([FIREFOX_EXTENSION_ID]);
  for (const id of policyIds) (CHROMIUM_ID_RE.test(id) ? chromium : firefox).add(id);
  return { chromium: [...chromium], firefox: [...firefox] };
}

/** What the host accepts as its caller argument: `chrome-extension://<id>/` or a Firefox add-on id. */
export function allowedCallers(policyIds: readonly string[] = []): Set<string> {
  const ids = extensionIds(policyIds);
  return new Set([...ids.chromium.map((id) => `chrome-extension://${id}/`), ...ids.firefox]);
}
