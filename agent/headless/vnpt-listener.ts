// Hosts the VNPT-CA Plugin compatible listener (wss://localhost:4433/plugin, then 4434, 4435) over the same core.
import type { Logger } from '../core/index.js';
import { MAX_VNPT_UNAPPROVED_MESSAGE_BYTES } from '../core/protocol/limits.js';
import type { AgentDispatcher } from '../core/dispatcher.js';
import { createVnptSession, type VnptSessionOptions } from '../compat/vnpt/index.js';
import { decodeBase64TextSliced } from '../server/large-text.js';
import { createAgentServer, type AgentServer, type InflightBudget, type OriginGate, type ServerLimits, type TlsCredentials } from '../server/index.js';

/** The ports the plugin's page script tries, in its order (docs/protocol.md, VNPT-CA Plugin compatibility). */
export const VNPT_PORTS = [4433, 4434, 4435];

export interface VnptListenerOptions {
  dispatcher: AgentDispatcher;
  origins: OriginGate;
  logger: Logger;
  version: string;
  credentials: TlsCredentials;
  ports: number[];
  limits?: Partial<ServerLimits>;
  /** The agent's one in-flight byte budget, shared with its main listeners. */
  budget?: InflightBudget;
  /** Certificate checks, VerifyPdf, logout and computer facts for the sessions (see VnptSessionOptions). */
  session?: Omit<VnptSessionOptions, 'dispatcher' | 'decodeBase64Text'>;
}

/**
 * Starts the compat listener on the first free port of `ports`. Origin and Host checks, limits and dialogs are
 * the agent's own (the frame's `domain` field is never trusted). Resolves null when every port is taken: the
 * agent then runs without compat, and says so in the log.
 */
export async function startVnptListener(o: VnptListenerOptions): Promise<{ server: AgentServer; port: number } | null> {
  for (const port of o.ports) {
    const server = createAgentServer({
      dispatcher: o.dispatcher,
      origins: o.origins,
      logger: o.logger,
      version: o.version,
      tls: { port, credentials: o.credentials },
      plain: null,
      // IPv4 only: the plugin script connects to localhost, which browsers resolve to 127.0.0.1 first.
      ipv6: false,
      httpApi: false,
      limits: o.limits,
      ...(o.budget ? { budget: o.budget } : {}),
      sockets: {
        '/plugin': {
          transport: 'vnpt',
          // The plugin protocol has no access call of its own: a page's first SignXML may carry the document, and
          // access is asked then. 2 MiB covers invoices and licence keys; larger first documents need the portal
          // approved first (policy or an earlier small call). docs/security.md, T22.
          maxUnapprovedPayloadBytes: MAX_VNPT_UNAPPROVED_MESSAGE_BYTES,
          open: (ctx) => {
            const session = createVnptSession({ ...o.session, dispatcher: o.dispatcher, decodeBase64Text: decodeBase64TextSliced }, ctx);
            // A VNPT call's answer waits for the dialog: its frame is not counted in flight that long.
            return { handle: (text: string, parsed?: () => void) => (parsed?.(), session.handle(text)) };
          },
        },
      },
    });
    try {
      const ports = await server.start();
      o.logger.info('vnpt.ready', { port: ports.tlsPort });
      return { server, port: ports.tlsPort! };
    } catch (e) {
      await server.close().catch(() => undefined);
      o.logger.warn('vnpt.port-unavailable', { port, detail: e instanceof Error ? e.message : String(e) });
    }
  }
  return null;
}
