// The agent's listeners: HTTPS + WSS on the TLS port, optional HTTP + WS on the plain port, loopback only.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createHttpHandler } from './http-handler.js';
import { cachedPeerCheck, peerUserCheckFor } from './peer-user/index.js';
import { ServerRuntime } from './runtime.js';
import { DEFAULT_SERVER_LIMITS, type AgentServer, type AgentServerOptions, type ListeningPorts, type TlsCredentials } from './types.js';
import { WS_PATH, WsGateway } from './ws-handler.js';

/** Loopback only (docs/security.md T10): never 0.0.0.0 or ::. */
export const LOOPBACK_V4 = '127.0.0.1';
export const LOOPBACK_V6 = '::1';

interface Listener {
  kind: 'tls' | 'plain';
  servers: Server[];
  port: number;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** Builds the transport. Nothing listens until `start()`. */
export function createAgentServer(options: AgentServerOptions): AgentServer {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const sockets = options.sockets ?? {
    [WS_PATH]: { transport: 'ws' as const, notifications: true, open: (ctx) => ({
      handle: (text: string, parsed?: () => void) => options.dispatcher.handle(text, ctx, parsed),
      handleBytes: (bytes: Uint8Array, parsed?: () => void) => options.dispatcher.handle(bytes, ctx, parsed),
    }) },
  };
  const rt = new ServerRuntime(options.dispatcher, options.origins, options.logger, limits, options.mounts ?? [], options.version, options.notifications, sockets, options.httpApi ?? true, options.budget);
  const gateway = new WsGateway(rt);
  const ownUser = cachedPeerCheck(options.peerUser ?? peerUserCheckFor());
  const refusePeer = (socket: Socket): void => {
    options.logger.warn('server.peer-refused', { remotePort: socket.remotePort ?? 0 });
    socket.destroy();
  };
  const listeners: Listener[] = [];
  let tlsServers: HttpsServer[] = [];

  function make(kind: 'tls' | 'plain', credentials: TlsCredentials | null, portRef: () => number): Server {
    const scheme = kind === 'tls' ? 'https' : 'http';
    const server: Server =
      kind === 'tls' && credentials
        ? createHttpsServer({ key: credentials.key, cert: credentials.cert, minVersion: 'TLSv1.2' })
        : createHttpServer();
    // docs/security.md T25: nothing is answered, upgraded or prompted before the peer is known to be the agent's own user.
    const onRequest = createHttpHandler(rt, scheme, portRef);
    const onUpgrade = gateway.upgradeHandler(portRef);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void ownUser(req.socket).then((ok) => (ok ? onRequest(req, res) : refusePeer(req.socket)));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void ownUser(socket as Socket).then((ok) => (ok ? onUpgrade(req, socket, head) : refusePeer(socket as Socket)));
    });
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    server.on('tlsClientError', () => undefined);
    // Slow-loris bounds; long-running signing requests are answered well within these.
    server.headersTimeout = 10_000;
    // A request (headers + body) must arrive within the message timeout (docs/security.md T23); answers may take longer.
    server.requestTimeout = limits.messageTimeoutMs;
    server.keepAliveTimeout = 5_000;
    return server;
  }

  async function open(kind: 'tls' | 'plain', wanted: number, credentials: TlsCredentials | null): Promise<number> {
    const entry: Listener = { kind, servers: [], port: 0 };
    const portRef = (): number => entry.port;
    const v4 = make(kind, credentials, portRef);
    entry.servers.push(v4);
    listeners.push(entry);
    entry.port = await listen(v4, wanted, LOOPBACK_V4);
    if (options.ipv6 !== false) {
      const v6 = make(kind, credentials, portRef);
      try {
        await listen(v6, entry.port, LOOPBACK_V6);
        entry.servers.push(v6);
      } catch (err) {
        // No IPv6 loopback on this machine (or the port is taken there): 127.0.0.1 is enough.
        options.logger.info('server.ipv6-unavailable', { kind, code: (err as NodeJS.ErrnoException).code ?? 'unknown' });
      }
    }
    if (kind === 'tls') tlsServers = entry.servers as HttpsServer[];
    return entry.port;
  }

  return {
    async start(): Promise<ListeningPorts> {
      const ports: ListeningPorts = { tlsPort: null, plainPort: null };
      try {
        if (options.tls) ports.tlsPort = await open('tls', options.tls.port, options.tls.credentials);
        if (options.plain) ports.plainPort = await open('plain', options.plain.port, null);
      } catch (err) {
        await Promise.all(listeners.flatMap((l) => l.servers.map(closeServer)));
        throw err;
      }
      options.logger.info('server.listening', { tlsPort: ports.tlsPort, plainPort: ports.plainPort });
      return ports;
    },

    setTlsCredentials(credentials: TlsCredentials): void {
      for (const s of tlsServers) s.setSecureContext({ key: credentials.key, cert: credentials.cert, minVersion: 'TLSv1.2' });
    },

    async close(): Promise<void> {
      if (rt.closing) return;
      rt.closing = true;
      const servers = listeners.flatMap((l) => l.servers);
      const closed = Promise.all(servers.map(closeServer));
      const drained = await rt.drain(limits.shutdownGraceMs);
      if (!drained) {
        // Still waiting (e.g. a dialog): abort them so they answer USER_CANCELLED while the sockets are open.
        rt.abortAll();
        await rt.drain(1_000);
      }
      gateway.closeAll();
      await new Promise((r) => setTimeout(r, 50));
      gateway.terminateAll();
      for (const s of servers) s.closeAllConnections();
      await closed;
      gateway.wss.close();
      options.logger.info('server.closed', { inflightLeft: rt.inflightCount() });
    },

    connectionCount(): number {
      return gateway.wss.clients.size;
    },
  };
}
