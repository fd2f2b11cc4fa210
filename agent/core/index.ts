// Public surface of the core, for adapters and composition roots.
export * from './errors.js';
export * from './types.js';
export * from './ports.js';

// ── added by the core helper: dispatcher, protocol, policy, settings (new files; nothing above changed) ──
export * from './dispatcher.js';
export * from './settings.js';
export * from './certs-filter.js';
export * from './local-time.js';
export * from './signing/index.js';
export type { AgentInfo } from './commands/agent-info.js';
export * from './policy/policy.js';
export * from './policy/origins.js';
export * from './policy/limits.js';
export * from './protocol/limits.js';
export * from './protocol/methods.js';
export * from './protocol/json.js';
export * from './protocol/pieces.js';
export * from './protocol/encoding.js';
export { parseParams, paramSchemas, type ParamsOf } from './protocol/schemas.js';
