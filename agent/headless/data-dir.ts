// Where the agent keeps its data: KYSO_AGENT_HOME, --data-dir, or the per-OS default.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DATA_DIR_ENV = 'KYSO_AGENT_HOME';
export const POLICY_ENV = 'KYSO_AGENT_POLICY';

/** `--data-dir` wins over KYSO_AGENT_HOME, which wins over the OS default. */
export function resolveDataDir(
  flag: string | undefined,
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (flag) return flag;
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv) return fromEnv;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'kyso-agent');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'kyso-agent');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'kyso-agent');
}

/** The admin policy file of docs/admin.md for this OS. */
export function defaultPolicyPath(platform: NodeJS.Platform = process.platform, env: Record<string, string | undefined> = process.env): string {
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'kyso-agent', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/kyso-agent/policy.json';
  return '/etc/kyso-agent/policy.json';
}

/** `--policy` wins over KYSO_AGENT_POLICY, which wins over the OS default. */
export function resolvePolicyPath(flag: string | undefined, env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform): string {
  return flag || env[POLICY_ENV] || defaultPolicyPath(platform, env);
}
