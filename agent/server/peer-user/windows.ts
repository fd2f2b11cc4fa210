// Windows: `netstat -ano` prints the owning PID of every TCP connection (it reads GetExtendedTcpTable, the same
// table the issue names); `tasklist /v` names the account a PID runs as. The peer counts as the agent's own user
// when its process runs under the same account as the agent's own process. Cannot run on the Linux CI: its
// parsing is unit-tested with recorded output, its scheduling (shared snapshots, caches, one child at a time,
// timeouts) with a fake runner (docs/security.md, T25).
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

/** A child that hangs is killed after this, so the one-at-a-time queue moves on. */
const CHILD_TIMEOUT_MS = 3_000;

const run: Run = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: CHILD_TIMEOUT_MS, windowsHide: true, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });

export interface WindowsCheckOptions {
  /** Runs a program and gives its stdout (tests pass a fake; Windows cannot run here). */
  exec?: Run;
  now?: () => number;
  /** A lookup not decided within this is refused (default 3 s). */
  timeoutMs?: number;
  /** How long a port pair's verdict and a PID's account are reused (default 1 s). */
  cacheMs?: number;
  /** Programs waiting for their turn; beyond this a lookup is refused at once (default 16). */
  maxQueued?: number;
}

/** Runs a program when its turn comes; `onStart` is called as it starts. */
type QueuedRun = (file: string, args: string[], onStart?: () => void) => Promise<string>;

/** At most one child process at a time; at most `maxQueued` waiting, more are refused (the caller then refuses). */
export function oneAtATime(exec: Run, maxQueued: number): QueuedRun {
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  return (file, args, onStart) => {
    if (waiting >= maxQueued) return Promise.reject(new Error('peer lookup queue full'));
    waiting++;
    const job = tail.then(() => {
      onStart?.();
      return exec(file, args);
    }).finally(() => void waiting--);
    tail = job.catch(() => undefined);
    return job;
  };
}

/**
 * The TCP table, shared by every lookup: `fresh()` gives a snapshot whose first program starts after the call, so
 * the connection being checked (accepted before) is in it. Lookups asked before that start share the snapshot;
 * lookups asked once it has started all share the single next one.
 */
function tableSnapshots(take: (started: () => void) => Promise<string>): { fresh(): Promise<string> } {
  let open: Promise<string> | null = null;
  let running: Promise<string> | null = null;
  let next: Promise<string> | null = null;
  const start = (): Promise<string> => {
    let p: Promise<string> | null = null;
    let begun = false;
    p = take(() => {
      begun = true;
      if (open === p) open = null;
      running = p;
    });
    if (!begun) open = p;
    const clear = (): void => {
      if (open === p) open = null;
      if (running === p) running = null;
    };
    p.then(clear, clear);
    return p;
  };
  return {
    fresh() {
      if (open) return open;
      if (!running) return start();
      next ??= running.catch(() => undefined).then(() => {
        next = null;
        // Someone may have asked for one in between: it has not started yet, so it is fresh enough for these too.
        return open ?? start();
      });
      return next;
    },
  };
}

/** A promise per key, reused for `ms` after it settles; a rejected one is forgotten at once. */
function shortCache<K, V>(now: () => number, ms: number): (key: K, make: () => Promise<V>) => Promise<V> {
  const entries = new Map<K, { value: Promise<V>; until: number }>();
  return (key, make) => {
    const t = now();
    const hit = entries.get(key);
    if (hit && hit.until >= t) return hit.value;
    if (entries.size >= 1024) for (const [k, e] of entries) if (e.until < t) entries.delete(k);
    const entry = { value: make(), until: Number.POSITIVE_INFINITY };
    entries.set(key, entry);
    entry.value.then(() => void (entry.until = now() + ms), () => void entries.delete(key));
    return entry.value;
  };
}

/**
 * docs/security.md T25 on Windows, cheap and bounded: one TCP-table snapshot (two `netstat` runs) serves every lookup
 * waiting for it; a port pair's verdict and a PID's account are kept for a second; at most one child process runs
 * at a time; a lookup not decided in time, or refused a place in the queue, is a refusal — never an allowance.
 */
export function windowsPeerUserCheck(ownPid: number, o: WindowsCheckOptions = {}): PeerUserCheck {
  const now = o.now ?? Date.now;
  const exec = oneAtATime(o.exec ?? run, o.maxQueued ?? 16);
  const timeoutMs = o.timeoutMs ?? 3_000;
  const table = tableSnapshots(async (started) => (await exec('netstat.exe', ['-ano', '-p', 'TCP'], started)) + '\n' + (await exec('netstat.exe', ['-ano', '-p', 'TCPv6'])));
  const accounts = shortCache<number, string | null>(now, o.cacheMs ?? 1_000);
  const verdicts = shortCache<string, boolean>(now, o.cacheMs ?? 1_000);
  const ownerOf = (pid: number) => accounts(pid, async () => userFromTasklist(await exec('tasklist.exe', ['/v', '/fo', 'csv', '/nh', '/fi', `PID eq ${pid}`])));
  let own: Promise<string | null> | undefined;
  /** The agent's own account: asked once, asked again only if it could not be read. */
  const ownAccount = async (): Promise<string | null> => {
    own ??= ownerOf(ownPid);
    const account = await own.catch(() => null);
    if (account === null) own = undefined;
    return account;
  };
  const lookup = async (ends: ConnectionEnds): Promise<boolean> => {
    const pid = peerPidFromNetstat(await table.fresh(), ends);
    if (pid === null) return false;
    const [mine, theirs] = await Promise.all([ownAccount(), ownerOf(pid)]);
    return mine !== null && theirs === mine;
  };
  return (ends) => {
    const key = `${ends.localAddress}|${ends.localPort}|${ends.remoteAddress}|${ends.remotePort}`;
    return verdicts(key, () => new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref?.();
      lookup(ends).then(resolve, () => resolve(false)).finally(() => clearTimeout(timer));
    }));
  };
}
