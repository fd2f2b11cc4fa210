// Entry of the single-file build sdk/dist/kyso-agent.js: everything here becomes a property of the global KysoAgent.
export * from './api.js';
