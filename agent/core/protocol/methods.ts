// The closed list of JSON-RPC methods of protocol v1 and the notification the agent sends.

export const PROTOCOL_VERSION = 1;
export const AGENT_NAME = 'kyso-agent';

export const METHODS = [
  'agent.info', 'session.requestAccess', 'tokens.list', 'tokens.refresh', 'certificates.list', 'certificates.select',
  'sign.hash', 'sign.cms', 'sign.pdf', 'sign.xml', 'sign.office', 'sign.batch', 'document.verify',
] as const;
export type Method = (typeof METHODS)[number];

/** Methods an origin may call before it is approved (T7: nothing else leaves the agent before approval). */
export const PUBLIC_METHODS: ReadonlySet<Method> = new Set<Method>(['agent.info', 'session.requestAccess']);

export const TOKENS_CHANGED = 'tokens.changed';

export function isMethod(name: string): name is Method {
  return (METHODS as readonly string[]).includes(name);
}
