// large-stall: the longest event-loop stall of the agent while one maximum-size document goes through it (wss, a
// client in another process), per format, against the agent's own loop delay with no such message. XML and Office
// also run with the document worker turned off (documents in the agent's thread), the same run's baseline for it.
// Target (docs/security.md T22): no single message blocks the loop for more than ~100 ms. Reports, never fails on
// time. Needs dist/ (npm run build). Usage: node bench/large-stall.mjs [--rounds 2]
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Client, PORTAL, arg, certIdFor, root, startBenchAgent, writeResult } from './lib/rpc-setup.mjs';

const ROUNDS = arg('rounds', 2);
const MiB = 1024 * 1024;
const client = join(root, 'native-tests', 'server', 'max-size-client.mjs');
const { makeDocx } = await import(join(root, 'dist', 'agent', 'signing', 'ooxml', 'testing', 'make-docx.js'));

function runClient(agent, certId, caFile, kase, docx) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [client, String(agent.tlsPort), caFile, PORTAL, certId, kase, docx], { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err && !stdout) return reject(err);
      resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

/** Longest stall (ms) and p99 of the loop delay while `work` runs. */
async function stallDuring(work) {
  const d = monitorEventLoopDelay({ resolution: 5 });
  d.enable();
  const reply = await work();
  d.disable();
  return { reply, maxMs: Math.round(d.max / 1e5) / 10, p99Ms: Math.round(d.percentile(99) / 1e5) / 10 };
}

async function measure(worker, cases) {
  const bench = await startBenchAgent({ extra: worker ? {} : { documentWorker: null } });
  try {
    const { agent } = bench;
    const caFile = join(agent.dataDir, '..', 'ca.pem');
    writeFileSync(caFile, agent.tls.caPem);
    const docx = join(agent.dataDir, '..', 'big.docx');
    writeFileSync(docx, makeDocx(['Tờ trình'], { 'word/media/image1.bin': randomBytes(60 * MiB) }));
    const c = await Client.open(agent.tlsPort, PORTAL, agent.tls.caPem);
    const certId = await certIdFor(c, bench.thumbprint);
    const out = {};
    // The agent idle, with a client process started and stopped the same way: what the loop does on its own.
    const idle = [];
    for (let r = 0; r < ROUNDS; r++) idle.push((await stallDuring(() => new Promise((res) => execFile(process.execPath, ['-e', 'setTimeout(()=>{},300)'], res)))).maxMs);
    out.idle = { maxMs: Math.max(...idle) };
    for (const kase of cases) {
      const rounds = [];
      for (let r = 0; r < ROUNDS; r++) rounds.push(await stallDuring(() => runClient(agent, certId, caFile, kase, docx)));
      out[kase] = { outcome: rounds[0].reply.ok ? 'signed' : rounds[0].reply.reason, maxMs: Math.max(...rounds.map((x) => x.maxMs)), p99Ms: Math.max(...rounds.map((x) => x.p99Ms)) };
    }
    c.ws.close();
    return out;
  } finally {
    await bench.close();
  }
}

const withWorker = await measure(true, ['pdf', 'cms', 'xml-text', 'xml-flat', 'office', 'batch']);
const inThread = await measure(false, ['xml-text', 'xml-flat', 'office']);
writeResult('large-stall', {
  benchmark: 'large-stall',
  what: 'longest event-loop stall of the agent while one maximum-size document goes through it (wss, client in another process)',
  unit: 'ms',
  cases: {
    pdf: '63 MiB PDF', cms: '64 MiB CMS data', 'xml-text': '60 MiB XML (text)', 'xml-flat': '64 MiB flat XML (refused)',
    office: '60 MiB .docx', batch: 'sign.batch of 500 small XML items',
  },
  rounds: ROUNDS,
  withDocumentWorker: withWorker,
  documentsInAgentThread: inThread,
  machine: { loadAverage1m: Math.round(loadavg()[0] * 10) / 10 },
  target: { maxMs: 100 },
  date: new Date().toISOString(),
});
process.exit(0);
