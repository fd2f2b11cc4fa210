// The one question every platform answers: does the process on the other end of this loopback TCP connection run
// as the agent's own OS user? (docs/security.md T25: the Origin header proves nothing for a non-browser client.)

/** The four addresses of an accepted connection, as Node reports them on the agent's socket. */
export interface ConnectionEnds {
  localAddress?: string;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;
}

/** `true` only when the peer is known to run as the agent's own user; unknown or other user → `false`. */
export type PeerUserCheck = (ends: ConnectionEnds) => Promise<boolean>;

/** An address as the OS tables spell it: IPv4 dotted, IPv6 compressed lower-case, v4-mapped IPv6 as IPv4. */
export function canonicalAddress(address: string): string {
  let a = address.trim().toLowerCase();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  // Expand then compress once, so "0:0:0:0:0:0:0:1" and "::1" compare equal.
  const [head, tail] = a.includes('::') ? a.split('::') as [string, string] : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return compressV6(groups.map((g) => parseInt(g || '0', 16)));
}

/** Eight 16-bit groups → RFC 5952 text (longest run of zero groups, length ≥ 2, becomes "::"). */
export function compressV6(groups: number[]): string {
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best === -1) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** "addr:port" / "[v6]:port" → canonical parts, or null. */
export function splitEndpoint(text: string): { address: string; port: number } | null {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  return { address: canonicalAddress(m[1]!), port };
}

export function sameEnd(a: { address: string; port: number }, address: string | undefined, port: number | undefined): boolean {
  return address !== undefined && port !== undefined && a.port === port && a.address === canonicalAddress(address);
}
