// Windows: `netstat -ano` prints the owning PID of every TCP connection (it reads GetExtendedTcpTable, the same
// table the issue names); `tasklist /v` names the account a PID runs as. The peer counts as the agent's own user
// when its process runs under the same account as the agent's own process. Cannot run on the Linux CI: its
// parsing is unit-tested with recorded output (docs/security.md, T25).
import { execFile } from 'node:child_process';
import { splitEndpoint, sameEnd, type ConnectionEnds, type PeerUserCheck } from './types.js';

/** The PID owning the peer's side of this connection in `netstat -ano` output, or null. */
export function peerPidFromNetstat(text: string, ends: ConnectionEnds): number | null {
  const pids = new Set<number>();
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 5 || f[0]!.toUpperCase() !== 'TCP') continue;
    const local = splitEndpoint(f[1]!);
    const remote = splitEndpoint(f[2]!);
    const pid = Number(f[4]);
    if (!local || !remote || !Number.isInteger(pid)) continue;
    if (sameEnd(local, ends.remoteAddress, ends.remotePort) && sameEnd(remote, ends.localAddress, ends.localPort)) pids.add(pid);
  }
  return pids.size === 1 ? [...pids][0]! : null;
}

/** One CSV row of `tasklist /v /fo csv /nh` → its "User Name" column (DOMAIN\user), or null ("N/A" too). */
export function userFromTasklist(text: string): string | null {
  const line = text.split(/\r?\n/).find((l) => l.startsWith('"'));
  if (!line) return null;
  const cells = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"'));
  const user = cells[6];
  if (user === undefined || user === '' || user.toUpperCase() === 'N/A') return null;
  return user.toLowerCase();
}

type Run = (file: string, args: string[]) => Promise<string>;

const run: Run = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 5_000, windowsHide: true, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });

export function windowsPeerUserCheck(ownPid: number, exec: Run = run): PeerUserCheck {
  let own: Promise<string | null> | undefined;
  const ownerOf = async (pid: number) => userFromTasklist(await exec('tasklist.exe', ['/v', '/fo', 'csv', '/nh', '/fi', `PID eq ${pid}`]));
  return async (ends) => {
    try {
      const pid = peerPidFromNetstat(await exec('netstat.exe', ['-ano', '-p', 'TCP']) + '\n' + (await exec('netstat.exe', ['-ano', '-p', 'TCPv6'])), ends);
      if (pid === null) return false;
      own ??= ownerOf(ownPid);
      const [mine, theirs] = await Promise.all([own, ownerOf(pid)]);
      return mine !== null && theirs === mine;
    } catch {
      return false;
    }
  };
}
