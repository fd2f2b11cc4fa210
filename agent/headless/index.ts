// Public surface of the headless composition root.
export { startAgent, DEFAULT_TLS_PORT, DEFAULT_PLAIN_PORT, type StartOptions, type RunningAgent } from './start.js';
export { resolveDataDir, resolvePolicyPath, defaultPolicyPath, DATA_DIR_ENV, POLICY_ENV } from './data-dir.js';
export { createFileLogger, type FileLogger } from './file-logger.js';
export { fileSettingsStore, settingsPath } from './settings-file.js';
export { loadPolicy, type LoadedPolicy } from './policy-file.js';
export { planModules } from './modules.js';
export { noUiPrompt } from './no-ui-prompt.js';
export { agentVersion } from './version.js';
