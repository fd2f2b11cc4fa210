// Which IP addresses a document-driven fetch may never reach unless policy allows (SSRF guard, docs/trust.md).
import { isIPv4, isIPv6 } from 'node:net';

/** IPv4 ranges that are not on the public Internet: this host, private, CGNAT, link-local, multicast, reserved. */
const V4_BLOCKED: ReadonlyArray<[number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 CGNAT
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local (cloud metadata)
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 IETF
  [0xc0000200, 24], // 192.0.2/24 documentation
  [0xc0586300, 24], // 192.88.99/24 6to4 relay anycast (deprecated)
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xc6336400, 24], // 198.51.100/24 documentation
  [0xcb007100, 24], // 203.0.113/24 documentation
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved + broadcast
];

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

function v4Blocked(ip: string): boolean {
  const n = v4ToInt(ip);
  return V4_BLOCKED.some(([base, bits]) => (n >>> (32 - bits)) === (base >>> (32 - bits)));
}

/** Expands an IPv6 text form into 8 groups (handles "::" and a trailing dotted IPv4). */
function v6Groups(ip: string): number[] {
  let text = ip.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4ToInt(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g || '0', 16));
}

const v4At = (hi: number, lo: number): string => `${hi >>> 8}.${hi & 0xff}.${lo >>> 8}.${lo & 0xff}`;
const zero = (groups: number[]): boolean => groups.every((x) => x === 0);

/**
 * True for loopback, unspecified, link-local, site-local, unique-local, multicast, reserved and documentation
 * addresses, and for every IPv6 form that carries an IPv4 address (mapped, compatible, translated, NAT64, 6to4,
 * Teredo) when that IPv4 address is itself non-public: a tunnel or translator would deliver the packet there.
 */
export function isNonPublicAddress(ip: string): boolean {
  if (isIPv4(ip)) return v4Blocked(ip);
  if (!isIPv6(ip)) return true; // not an address at all: refuse
  const g = v6Groups(ip);
  const first = g[0]!;
  const low = v4At(g[6]!, g[7]!);
  if (zero(g.slice(0, 7)) && (g[7] === 0 || g[7] === 1)) return true; // :: and ::1
  if (zero(g.slice(0, 5)) && (g[5] === 0xffff || g[5] === 0)) return v4Blocked(low); // ::ffff:a.b.c.d mapped, ::a.b.c.d compatible
  if (zero(g.slice(0, 4)) && g[4] === 0xffff && g[5] === 0) return v4Blocked(low); // ::ffff:0:a.b.c.d translated (RFC 2765)
  if (first === 0x64 && g[1] === 0xff9b) {
    if (zero(g.slice(2, 6))) return v4Blocked(low); // 64:ff9b::/96 well-known NAT64 (RFC 6052)
    return true; // 64:ff9b:1::/48 local-use NAT64 (RFC 8215) and the rest of 64:ff9b::/32: local translators
  }
  if (first >>> 8 === 0) return true; // ::/8 reserved (what is left of it after the forms above)
  if (first === 0x0100 && zero(g.slice(1, 4))) return true; // 100::/64 discard-only
  if (first === 0x2001 && g[1] === 0) return v4Blocked(v4At(g[2]!, g[3]!)) || v4Blocked(v4At(g[6]! ^ 0xffff, g[7]! ^ 0xffff)); // Teredo: server, client (obfuscated)
  if (first === 0x2001 && g[1]! < 0x0200) return true; // rest of 2001::/23 IETF protocol assignments (benchmarking, ORCHID …)
  if (first === 0x2002) return v4Blocked(v4At(g[1]!, g[2]!)); // 6to4 2002:a.b.c.d::/48
  if (first === 0x2001 && g[1] === 0x0db8) return true; // 2001:db8::/32 documentation
  if ((first & 0xfff0) === 0x3ff0) return true; // 3fff::/20 documentation (RFC 9637)
  if ((first & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((first & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated, still routed inside sites)
  if ((first & 0xfe00) === 0xfc00) return true; // fc00::/7 unique-local
  if ((first & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  return false;
}
