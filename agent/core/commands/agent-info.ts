// agent.info: name and protocol for everyone; version and features only for approved origins (T4).
import { AGENT_NAME, PROTOCOL_VERSION } from '../protocol/methods.js';
import type { Call } from './command.js';

export interface AgentInfo {
  name: string;
  protocol: number;
  version?: string;
  features?: string[];
}

/** The agent.info result (also the body of GET /.well-known/kyso-agent). */
export function agentInfo(call: Pick<Call, 'deps' | 'connection'>): AgentInfo {
  const base: AgentInfo = { name: AGENT_NAME, protocol: PROTOCOL_VERSION };
  if (!call.deps.access.isApproved(call.connection.origin, call.connection)) return base;
  return { ...base, version: call.deps.version, features: [...call.deps.features] };
}

export async function agentInfoCommand(_params: Record<string, never>, call: Call): Promise<AgentInfo> {
  return agentInfo(call);
}
