// A running agent with no tokens, TLS or listeners, for driving the Electron shell in tests (runElectron's `start`).
import type { RunningAgent } from '../../headless/start.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** `stop` lets a test observe the shell stopping the agent. */
export function fakeAgent(stop: () => Promise<void> = async () => undefined): RunningAgent {
  const tokens = { listTokens: async () => [], listCertificates: async () => [], modules: () => [], onTokensChanged: () => () => undefined };
  return {
    version: '0.1.0', tlsPort: 14433, plainPort: null, vnptPort: null, logger: silent,
    access: { list: () => ({ approved: ['https://a.example'], blocked: [] }), revoke: async () => undefined },
    policy: { path: '/etc/kyso-agent/policy.json', source: 'default', problems: [], warnings: [], policy: { signing: { requirePinEveryTime: false, pinSessionMinutes: 5 } } },
    tokens,
    stop,
  } as unknown as RunningAgent;
}
