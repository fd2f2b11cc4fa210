// macOS: `lsof -F` lists the sockets on a port with the owning PID and uid; the peer's socket is the one whose
// name reads "<peer end>-><agent's end>". Cannot run on the Linux CI: its parsing is unit-tested with recorded
// output (docs/security.md, T25).
import { execFile } from 'node:child_process';
import { splitEndpoint, sameEnd, type ConnectionEnds, type PeerUserCheck } from './types.js';

/** The uid owning the peer's socket in `lsof -nP -iTCP:<peer port> -Fpun` output, or null. */
export function peerUidFromLsof(text: string, ends: ConnectionEnds): number | null {
  const uids = new Set<number>();
  let uid: number | null = null;
  for (const line of text.split('\n')) {
    const tag = line[0];
    const value = line.slice(1).trim();
    if (tag === 'p') uid = null;
    else if (tag === 'u') uid = /^\d+$/.test(value) ? Number(value) : null;
    else if (tag === 'n' && uid !== null) {
      const [a, b] = value.split('->');
      const local = a ? splitEndpoint(a) : null;
      const remote = b ? splitEndpoint(b) : null;
      if (local && remote && sameEnd(local, ends.remoteAddress, ends.remotePort) && sameEnd(remote, ends.localAddress, ends.localPort)) uids.add(uid);
    }
  }
  return uids.size === 1 ? [...uids][0]! : null;
}

type Run = (file: string, args: string[]) => Promise<string>;

const run: Run = (file, args) =>
  new Promise((resolve) => {
    // lsof exits 1 when some selection found nothing; its stdout is still what we parse.
    execFile(file, args, { timeout: 5_000, maxBuffer: 8 * 1024 * 1024 }, (_err, stdout) => resolve(stdout ?? ''));
  });

export function macosPeerUserCheck(ownUid: number, exec: Run = run): PeerUserCheck {
  return async (ends) => {
    if (ends.remotePort === undefined) return false;
    try {
      const uid = peerUidFromLsof(await exec('/usr/sbin/lsof', ['-nP', `-iTCP:${ends.remotePort}`, '-sTCP:ESTABLISHED', '-Fpun']), ends);
      return uid !== null && uid === ownUid;
    } catch {
      return false;
    }
  };
}
