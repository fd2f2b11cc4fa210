// The SDK's whole public surface; index.ts re-exports it and bundles it as the KysoAgent namespace.
import { KysoAgentClient } from './client.js';
import type { ConnectOptions } from './client.js';
import { discover } from './discovery.js';
import type { Endpoint } from './discovery.js';
import { AgentUnavailableError, KysoError } from './errors.js';
import type { UnavailableHint } from './errors.js';

export * from './errors.js';
export * from './types.js';
export { SignedData, toBase64, fromBase64, toHex, fromHex, toBytes } from './bytes.js';
export type { BinaryInput } from './bytes.js';
export { KysoAgentClient } from './client.js';
export type { ConnectOptions, ConnectionInfo } from './client.js';
export type { CallOptions, WebSocketConstructor, WebSocketLike, FetchFunction } from './transport.js';
export type { WellKnown } from './discovery.js';
export { describeError } from './messages.js';
export type { Lang } from './messages.js';

/** SDK version (protocol v1). */
export const version = '0.1.0';

/** Result of `detect()`: a quick presence check that never opens a connection. */
export type DetectResult =
  | { available: true; secure: boolean; port: number; version?: string }
  | { available: false; hint?: UnavailableHint; reason: string };

/**
 * Discovers the agent and connects. Call it from a user gesture (a click) on an https page: the discovery
 * fetch is what lets Chrome show its Local Network Access prompt.
 */
export function connect(options?: ConnectOptions): Promise<KysoAgentClient> {
  return KysoAgentClient.connect(options);
}

/** Is the agent there? Answers within ~1.5 s when nothing listens. */
export async function detect(options: ConnectOptions = {}): Promise<DetectResult> {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  try {
    const e: Endpoint = await discover({
      tlsPort: options.ports?.tls === undefined ? 14433 : options.ports.tls,
      plainPort: options.ports?.plain === undefined ? 14434 : options.ports.plain,
      probeTimeoutMs: options.probeTimeoutMs ?? 1200,
      promptTimeoutMs: options.promptTimeoutMs ?? 60_000,
      allowPlain: options.allowPlain ?? true,
      slowRetryMs: 0,
      fetch: fetchFn,
    });
    const r: DetectResult = { available: true, secure: e.secure, port: e.port };
    if (e.wellKnown.version) r.version = e.wellKnown.version;
    return r;
  } catch (err) {
    if (err instanceof AgentUnavailableError) return { available: false, hint: err.hint, reason: err.reason };
    if (err instanceof KysoError) return { available: false, reason: err.reason };
    throw err;
  }
}
