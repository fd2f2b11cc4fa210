// Public surface of the core, for adapters and composition roots.
export * from './errors.js';
export * from './types.js';
export * from './ports.js';
