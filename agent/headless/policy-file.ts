// Loads the admin policy: absent → defaults; broken → the safest policy, with the reasons kept for `doctor`.
import { readFile } from 'node:fs/promises';
import { DEFAULT_POLICY, SAFEST_POLICY, parsePolicy, type Policy } from '../core/policy/policy.js';

export interface LoadedPolicy {
  policy: Policy;
  path: string;
  /** 'file': parsed from path; 'default': no file there; 'safest': the file is broken (see problems). */
  source: 'file' | 'default' | 'safest';
  problems: string[];
  /** Settings the agent ignored (unknown keys), with their JSON path. */
  warnings: string[];
}

function clonePolicy(p: Readonly<Policy>): Policy {
  return structuredClone(p) as Policy;
}

export async function loadPolicy(path: string): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { policy: clonePolicy(DEFAULT_POLICY), path, source: 'default', problems: [], warnings: [] };
    return { policy: clonePolicy(SAFEST_POLICY), path, source: 'safest', problems: [`cannot read the policy file (${code ?? 'error'})`], warnings: [] };
  }
  const r = parsePolicy(text);
  if (r.ok) return { policy: r.policy, path, source: 'file', problems: [], warnings: r.warnings };
  return { policy: clonePolicy(SAFEST_POLICY), path, source: 'safest', problems: r.errors, warnings: [] };
}
