// Public entry of the kyso-agent browser SDK (ESM): `import { KysoAgent } from 'kyso-agent/sdk'` or named imports.
import * as api from './api.js';

export * from './api.js';
/** The same namespace the single-file build defines as the global `KysoAgent`. */
export const KysoAgent = api;
