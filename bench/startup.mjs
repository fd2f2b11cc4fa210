// startup: `kyso-agent start --headless` process start → ready line, and idle RSS a second after ready.
// The first run of a fresh data dir also issues the local CA (reported apart). Target: ≤ 400 ms, ≤ 80 MB.
// Needs dist/. Usage: node bench/startup.mjs [--runs 5]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, root, stats, writeResult } from './lib/rpc-setup.mjs';

const RUNS = arg('runs', 5);
const dir = mkdtempSync(join(tmpdir(), 'kyso-startup-'));
const env = { PATH: process.env.PATH, HOME: dir, KYSO_AGENT_HOME: join(dir, 'data'), KYSO_AGENT_POLICY: join(dir, 'policy.json') };

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

function once() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [join(root, 'bin', 'kyso-agent.mjs'), 'start', '--headless', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stderr.on('data', (c) => (err += c));
    p.stdout.on('data', (c) => {
      out += c;
      if (!out.includes('\n')) return;
      const readyMs = performance.now() - t0;
      const ready = JSON.parse(out.slice(0, out.indexOf('\n')));
      setTimeout(() => {
        const rss = rssMb(p.pid);
        const t1 = performance.now();
        p.once('exit', (code) => resolve({ readyMs, rss, stopMs: performance.now() - t1, exitCode: code, ready }));
        p.kill('SIGTERM');
      }, 1000);
    });
    p.once('exit', (code) => {
      if (!out.includes('\n')) reject(new Error(`exited ${code} before ready: ${err}`));
    });
  });
}

try {
  const first = await once();
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once());
  writeResult('startup', {
    benchmark: 'startup',
    firstRunWithCaIssuanceMs: Math.round(first.readyMs),
    readyMs: stats(runs.map((r) => r.readyMs)),
    idleRssMb: stats(runs.map((r) => r.rss ?? 0)),
    stopMs: stats(runs.map((r) => r.stopMs)),
    exitCodes: runs.map((r) => r.exitCode),
    target: { readyMs: 400, idleRssMb: 80 },
    date: new Date().toISOString(),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
