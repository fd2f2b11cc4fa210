// Which PKCS#11 modules the agent loads: discovery (catalog, p11-kit, policy, env) plus the demo token.
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/index.js';
import type { Policy } from '../core/policy/policy.js';
import type { DemoTokenConfig } from '../demo/index.js';
import { discoverModules, type ModuleCandidate } from '../pkcs11/index.js';

export interface ModulePlan {
  modules: ModuleCandidate[];
  demo: DemoTokenConfig | null;
}

/**
 * Discovers modules; when a demo token exists under the data dir, SOFTHSM2_CONF is pointed at it and SoftHSM2
 * is loaded as the 'demo' module (replacing a catalog/p11-kit entry for the same library).
 */
export async function planModules(dataDir: string, policy: Policy, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<ModulePlan> {
  const discovered = discoverModules({ platform: process.platform, env, fs, policyModules: policy.modules });
  // The demo code pulls in the PKI generator: import it only when a demo token was made (start-up time).
  const demo = fs.existsSync(join(dataDir, 'demo-token'))
    ? await import('../demo/index.js').then((m) => m.demoTokenConfig(dataDir)).catch(() => null)
    : null;
  if (!demo) return { modules: discovered, demo: null };
  // SoftHSM2 reads SOFTHSM2_CONF at C_Initialize: it must be set before the token service loads modules.
  env.SOFTHSM2_CONF = demo.conf;
  logger.info('modules.demo-token', { label: demo.label });
  const rest = discovered.filter((m) => m.path !== demo.module);
  return { modules: [{ name: `${demo.label} (SoftHSM2)`, path: demo.module, source: 'demo' }, ...rest], demo };
}
