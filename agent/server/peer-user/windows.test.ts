// The Windows peer check's scheduling with a fake runner (Windows cannot run here, docs/security.md T25): one TCP
// table snapshot serves every waiting lookup, a snapshot is never older than the lookup, one child at a time,
// short caches, and a lookup that cannot be decided is a refusal.
import { describe, expect, it } from 'vitest';
import { oneAtATime, windowsPeerUserCheck } from './windows.js';

const AGENT_PID = 4242;
const ACCOUNTS: Record<number, string> = { 4242: 'DESKTOP-1\\An', 7000: 'DESKTOP-1\\An', 9000: 'DESKTOP-1\\Guest' };

/** The agent's socket of connection n: 127.0.0.1:4433 ← 127.0.0.1:(50000+n). */
const ends = (n: number) => ({ localAddress: '127.0.0.1', localPort: 4433, remoteAddress: '127.0.0.1', remotePort: 50000 + n });
const row = (n: number, pid: number) => `  TCP    127.0.0.1:${50000 + n}        127.0.0.1:4433         ESTABLISHED     ${pid}`;
const tasklist = (pid: number) => `"x.exe","${pid}","Console","1","1 K","Running","${ACCOUNTS[pid] ?? 'N/A'}","0:00:00","N/A"\r\n`;

/** netstat/tasklist as a fake: each call waits for `release()` (or runs at once with auto), counting concurrency. */
class FakeWindows {
  /** Connections in the TCP table: n → owning PID. */
  readonly table = new Map<number, number>();
  readonly calls: string[] = [];
  active = 0;
  maxActive = 0;
  auto = true;
  hang = false;
  private pending: Array<() => void> = [];

  readonly exec = (file: string, args: string[]): Promise<string> => {
    this.calls.push(`${file} ${args.at(-1)}`);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    // The output is what the table holds when the program runs, not when it was asked for.
    const output = () => (file === 'netstat.exe'
      ? (args.at(-1) === 'TCP' ? [...this.table].map(([n, pid]) => row(n, pid)).join('\n') : '')
      : tasklist(Number(/PID eq (\d+)/.exec(args.at(-1)!)![1])));
    return new Promise<string>((resolve) => {
      if (this.hang) return;
      const done = () => {
        this.active--;
        resolve(output());
      };
      if (this.auto) setTimeout(done, 2);
      else this.pending.push(done);
    });
  };

  release(): void {
    for (const d of this.pending.splice(0)) d();
  }

  count(prefix: string): number {
    return this.calls.filter((c) => c.startsWith(prefix)).length;
  }
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

describe('Windows peer check: cheap and bounded', () => {
  it('50 connections checked at once: one TCP table snapshot, one tasklist per account asked, one child at a time', async () => {
    const w = new FakeWindows();
    for (let n = 0; n < 50; n++) w.table.set(n, n < 45 ? 7000 : 9000);
    const check = windowsPeerUserCheck(AGENT_PID, { exec: w.exec, maxQueued: 64 });
    const verdicts = await Promise.all(Array.from({ length: 50 }, (_, n) => check(ends(n))));
    expect(verdicts).toEqual(Array.from({ length: 50 }, (_, n) => n < 45));
    expect(w.count('netstat.exe')).toBe(2); // -p TCP and -p TCPv6, once
    expect(w.count('tasklist.exe')).toBe(3); // the agent's own PID, 7000, 9000
    expect(w.maxActive).toBe(1);
  });

  it('a lookup asked while a snapshot runs waits for the next one (its connection may be newer than the running one)', async () => {
    const w = new FakeWindows();
    w.auto = false;
    w.table.set(1, 7000);
    const check = windowsPeerUserCheck(AGENT_PID, { exec: w.exec });
    const first = check(ends(1));
    await tick();
    // Connections 2 and 3 were accepted after the first snapshot began: it cannot list them.
    w.table.set(2, 7000);
    w.table.set(3, 9000);
    const second = check(ends(2));
    const third = check(ends(3));
    for (let i = 0; i < 20; i++) {
      w.release();
      await tick();
    }
    expect(await Promise.all([first, second, third])).toEqual([true, true, false]);
    // Two snapshots in all (the running one and one shared next), never one per lookup.
    expect(w.count('netstat.exe')).toBe(4);
    expect(w.maxActive).toBe(1);
  });

  it('a connection not in the table, or whose owner has no readable account, is refused', async () => {
    const w = new FakeWindows();
    w.table.set(1, 1234); // tasklist says N/A
    const check = windowsPeerUserCheck(AGENT_PID, { exec: w.exec });
    expect(await check(ends(1))).toBe(false);
    expect(await check(ends(2))).toBe(false);
  });

  it('a port pair’s verdict is reused for the short cache time only, then looked up again', async () => {
    const w = new FakeWindows();
    let t = 1_000_000;
    w.table.set(1, 7000);
    const check = windowsPeerUserCheck(AGENT_PID, { exec: w.exec, now: () => t, cacheMs: 1_000 });
    expect(await check(ends(1))).toBe(true);
    expect(await check(ends(1))).toBe(true);
    expect(w.count('netstat.exe')).toBe(2);
    // The pair now belongs to another user's process (a port reused after the cache ran out).
    w.table.set(1, 9000);
    t += 1_001;
    expect(await check(ends(1))).toBe(false);
    expect(w.count('netstat.exe')).toBe(4);
    // The agent's own account is asked once for the life of the check.
    expect(w.calls.filter((c) => c === `tasklist.exe PID eq ${AGENT_PID}`).length).toBe(1);
  });

  it('a lookup that cannot be decided in time is refused, never allowed', async () => {
    const w = new FakeWindows();
    w.table.set(1, 7000);
    w.hang = true;
    const check = windowsPeerUserCheck(AGENT_PID, { exec: w.exec, timeoutMs: 30 });
    expect(await check(ends(1))).toBe(false);
  });

  it('more programs waiting than the queue holds: the lookup is refused at once', async () => {
    let active = 0;
    let max = 0;
    const gates: Array<() => void> = [];
    const slow = oneAtATime(async () => {
      active++;
      max = Math.max(max, active);
      await new Promise<void>((r) => gates.push(r));
      active--;
      return 'ok';
    }, 3);
    const jobs = [slow('a', []), slow('b', []), slow('c', [])];
    await expect(slow('d', [])).rejects.toThrow(/queue full/);
    for (let i = 0; i < 3; i++) {
      await tick();
      gates.shift()?.();
    }
    expect(await Promise.all(jobs)).toEqual(['ok', 'ok', 'ok']);
    expect(max).toBe(1);
    // The queue has room again once they are done; a failing job does not block the ones after it.
    const failing = oneAtATime(async (file) => (file === 'x' ? Promise.reject(new Error('boom')) : 'after'), 2);
    await expect(failing('x', [])).rejects.toThrow('boom');
    expect(await failing('y', [])).toBe('after');
  });
});
