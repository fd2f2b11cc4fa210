// hostile-load: p99 latency of an approved portal's agent.info while unapproved pages (other processes) keep
// sending 64 MiB frames, against the same without them; the portal keeps a signing dialog open the whole time
// and it must survive. Also reports the agent's RSS and event-loop delay under attack. Target (docs/security.md T22):
// p99 under attack ≤ 2× the quiet p99, dialog alive. Reports, never fails on time. Needs dist/ (npm run build).
// Usage: node bench/hostile-load.mjs [--n 300] [--senders 3]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Client, PORTAL, arg, certIdFor, digest, root, startBenchAgent, stats, writeResult } from './lib/rpc-setup.mjs';
import { InstantPrompt } from './lib/instant-prompt.mjs';

const N = arg('n', 300);
const SENDERS = arg('senders', 3);

/** Approves like InstantPrompt, but holds one signing dialog open until `release()`; records if it was cancelled. */
class HoldingPrompt extends InstantPrompt {
  held = null;
  confirmSigning(ctx, request) {
    if (this.held) return super.confirmSigning(ctx, request);
    return new Promise((resolve, reject) => {
      this.held = { cancelled: false, release: () => resolve({ approved: true, pin: this.pinBytes.slice() }) };
      ctx.signal.addEventListener('abort', () => {
        this.held.cancelled = true;
        reject(new Error('cancelled'));
      });
    });
  }
}

const ms = (ns) => Math.round(ns / 1e5) / 10;
const cpuShare = (u, wallMs) => Math.round(((u.user + u.system) / 1000 / wallMs) * 100) / 100;

async function sample(client, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await client.ok('agent.info', {});
    out.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 5));
  }
  return out;
}

const bench = await startBenchAgent({ prompt: (pin) => new HoldingPrompt(pin) });
const tmp = mkdtempSync(join(tmpdir(), 'kyso-hostile-'));
const senders = [];
try {
  const { agent } = bench;
  const caFile = join(tmp, 'ca.pem');
  writeFileSync(caFile, agent.tls.caPem);
  const client = await Client.open(agent.tlsPort, PORTAL, agent.tls.caPem);
  const certId = await certIdFor(client, bench.thumbprint);
  await sample(client, 30); // warm-up
  // The portal's dialog, open from before the attack until after it.
  const dialog = client.call('sign.hash', { certId, hash: digest(1).toString('base64'), hashAlgorithm: 'SHA-256' });
  while (!bench.prompt.held) await new Promise((r) => setTimeout(r, 10));

  const quietDelay = monitorEventLoopDelay({ resolution: 10 });
  quietDelay.enable();
  let cpu = process.cpuUsage();
  let wall = performance.now();
  const quiet = stats(await sample(client, N));
  quietDelay.disable();
  const quietCpu = cpuShare(process.cpuUsage(cpu), performance.now() - wall);

  for (let w = 0; w < SENDERS; w++) {
    const child = spawn(process.execPath, [join(root, 'bench', 'lib', 'hostile-sender.mjs'), String(agent.tlsPort), caFile, String(w)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const report = new Promise((resolve) => {
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.on('exit', () => resolve(text.trim() ? JSON.parse(text.trim()) : { sent: 0, closes: 0 }));
    });
    senders.push({ child, report });
  }
  await new Promise((r) => setTimeout(r, 1_500)); // let the frames start flowing
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let rssPeak = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  cpu = process.cpuUsage();
  wall = performance.now();
  const attacked = stats(await sample(client, N));
  const attackCpu = cpuShare(process.cpuUsage(cpu), performance.now() - wall);
  clearInterval(rssTimer);
  delay.disable();
  for (const s of senders) s.child.kill('SIGTERM');
  const reports = await Promise.all(senders.map((s) => s.report));

  const cancelled = bench.prompt.held.cancelled;
  bench.prompt.held.release();
  const signed = await dialog;
  client.close();
  writeResult('hostile-load', {
    benchmark: 'hostile-load',
    what: `agent.info p99 from an approved portal (wss) while ${SENDERS} processes send 64 MiB [{},{},…] frames from unapproved origins`,
    unit: 'ms',
    quiet,
    underAttack: attacked,
    ratioP99: Math.round((attacked.p99 / quiet.p99) * 100) / 100,
    framesSent: reports.reduce((a, r) => a + r.sent, 0),
    connectionsClosedByAgent: reports.reduce((a, r) => a + r.closes, 0),
    agentQuiet: { cpuShare: quietCpu, eventLoopDelayMaxMs: ms(quietDelay.max), eventLoopDelayP99Ms: ms(quietDelay.percentile(99)) },
    agentUnderAttack: { cpuShare: attackCpu, rssPeakMiB: Math.round(rssPeak / 2 ** 20), eventLoopDelayMaxMs: ms(delay.max), eventLoopDelayP99Ms: ms(delay.percentile(99)) },
    machine: { cores: availableParallelism(), loadAverage1m: Math.round(loadavg()[0] * 10) / 10 },
    note: 'the senders run on the same cores: on a loaded machine their own TLS work competes with the agent for CPU; cpuShare is the agent process CPU time / wall time',
    portalDialogSurvived: !cancelled && signed.result !== undefined,
    target: { ratioP99: 2, portalDialogSurvived: true },
    date: new Date().toISOString(),
  });
} finally {
  for (const s of senders) s.child.kill('SIGKILL');
  await bench.close();
  rmSync(tmp, { recursive: true, force: true });
}
