// Linux: the kernel's socket tables /proc/net/tcp and /proc/net/tcp6 name the uid owning each socket. The peer's
// socket is the row whose local end is the connection's remote end and whose remote end is the agent's local end.
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { compressV6, sameEnd, type ConnectionEnds, type PeerUserCheck } from './types.js';

export interface TcpRow {
  local: { address: string; port: number };
  remote: { address: string; port: number };
  uid: number;
}

/** One 32-bit word of the table (printed in host byte order) → its four address bytes in network order. */
function wordBytes(hex8: string, little: boolean): number[] {
  const b = [0, 2, 4, 6].map((i) => parseInt(hex8.slice(i, i + 2), 16));
  return little ? b.reverse() : b;
}

/** "0100007F:1F90" (tcp) or 32 hex digits + port (tcp6) → canonical address and port; null when malformed. */
export function parseProcEndpoint(text: string, little = endianness() === 'LE'): { address: string; port: number } | null {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(text);
  if (!m) return null;
  const hex = m[1]!;
  const port = parseInt(m[2]!, 16);
  if (hex.length === 8) return { address: wordBytes(hex, little).join('.'), port };
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8), little));
  const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((i) => (bytes[i]! << 8) | bytes[i + 1]!);
  // v4-mapped (::ffff:a.b.c.d): Node reports these as IPv4 on a dual-stack socket.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return { address: bytes.slice(12).join('.'), port };
  return { address: compressV6(groups), port };
}

/** Rows of /proc/net/tcp or /proc/net/tcp6 (header skipped, malformed rows dropped). */
export function parseProcNetTcp(text: string, little = endianness() === 'LE'): TcpRow[] {
  const rows: TcpRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const local = parseProcEndpoint(f[1]!, little);
    const remote = parseProcEndpoint(f[2]!, little);
    const uid = Number(f[7]);
    if (!local || !remote || !Number.isInteger(uid)) continue;
    rows.push({ local, remote, uid });
  }
  return rows;
}

/** The uid owning the peer's socket of this connection in `rows`, or null when no single row matches. */
export function peerUidFromRows(rows: TcpRow[], ends: ConnectionEnds): number | null {
  const hits = rows.filter((r) => sameEnd(r.local, ends.remoteAddress, ends.remotePort) && sameEnd(r.remote, ends.localAddress, ends.localPort));
  const uids = new Set(hits.map((r) => r.uid));
  return uids.size === 1 ? [...uids][0]! : null;
}

/** Reads both tables; a table that cannot be read counts as empty (then the peer is unknown, i.e. refused). */
export function linuxPeerUserCheck(ownUid: number, read: (path: string) => Promise<string> = (p) => readFile(p, 'utf8')): PeerUserCheck {
  return async (ends) => {
    const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((p) => read(p).catch(() => '')));
    const uid = peerUidFromRows(tables.flatMap((t) => parseProcNetTcp(t)), ends);
    return uid !== null && uid === ownUid;
  };
}
