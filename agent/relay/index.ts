// The browser-extension route: the native-messaging host, the agent's local relay channel, host registration.
export { DEFAULT_RELAY_LIMITS, startRelayChannel, type RelayChannel, type RelayChannelOptions, type RelayLimits } from './channel-server.js';
export { channelLocation, type ChannelLocation } from './channel-path.js';
export { ChannelUntrusted, channelPlatform, openChannel, type ChannelPlatform } from './channel-platform.js';
export { runNativeHost, allowedCaller, type NativeHostOptions } from './native-host.js';
export { readRelayKey } from './private-dir.js';
export { HOST_NAME, CHROMIUM_EXTENSION_ID, FIREFOX_EXTENSION_ID, allowedCallers, extensionIds } from './extension-ids.js';
export { BROWSERS, type BrowserName } from './registration.js';
export { install, uninstall, status, selectBrowsers, type BrowserStatus, type IntegrationContext } from './install.js';
