// Who is on the other end of a loopback connection (docs/security.md T25), one interface per OS. Reusable by any listener
// that must serve only the agent's own user (the HTTPS/WebSocket listeners, the VNPT-compatible listener).
import { linuxPeerUserCheck } from './linux.js';
import { macosPeerUserCheck } from './macos.js';
import type { PeerUserCheck } from './types.js';
import { windowsPeerUserCheck } from './windows.js';

export type { ConnectionEnds, PeerUserCheck } from './types.js';
export { linuxPeerUserCheck, parseProcNetTcp, peerUidFromRows } from './linux.js';
export { macosPeerUserCheck, peerUidFromLsof } from './macos.js';
export { peerPidFromNetstat, userFromTasklist, windowsPeerUserCheck } from './windows.js';

/** The check for this OS; an OS without one refuses every connection rather than trusting any. */
export function peerUserCheckFor(platform: NodeJS.Platform = process.platform): PeerUserCheck {
  switch (platform) {
    case 'linux':
      return linuxPeerUserCheck(process.getuid?.() ?? -1);
    case 'darwin':
      return macosPeerUserCheck(process.getuid?.() ?? -1);
    case 'win32':
      return windowsPeerUserCheck(process.pid);
    default:
      return async () => false;
  }
}

/**
 * One verdict per socket (keep-alive requests and a WebSocket reuse it), remembered as long as the socket lives.
 * `socket` is whatever object carries the four addresses (net.Socket, tls.TLSSocket).
 */
export function cachedPeerCheck(check: PeerUserCheck): (socket: object & { localAddress?: string; localPort?: number; remoteAddress?: string; remotePort?: number }) => Promise<boolean> {
  const verdicts = new WeakMap<object, Promise<boolean>>();
  return (socket) => {
    let v = verdicts.get(socket);
    if (!v) {
      v = check({ localAddress: socket.localAddress, localPort: socket.localPort, remoteAddress: socket.remoteAddress, remotePort: socket.remotePort }).catch(() => false);
      verdicts.set(socket, v);
    }
    return v;
  };
}
