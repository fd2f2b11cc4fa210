// The browser-extension route: the native-messaging host, the agent's local relay channel, host registration.
export { startRelayChannel, type RelayChannel, type RelayChannelOptions } from './channel-server.js';
export { channelLocation, type ChannelLocation } from './channel-path.js';
export { runNativeHost, allowedCaller, type NativeHostOptions } from './native-host.js';
export { readRelayKey } from './private-dir.js';
export { HOST_NAME, CHROMIUM_EXTENSION_ID, FIREFOX_EXTENSION_ID, allowedCallers, extensionIds } from './extension-ids.js';
export { BROWSERS, type BrowserName } from './registration.js';
export { install, uninstall, status, selectBrowsers, type BrowserStatus, type IntegrationContext } from './install.js';
