// rpc-concurrency: 50 wss connections (one approved origin each) × 100 sign.hash, all at once. Target: zero errors;
// reports p50/p99 latency and throughput. Needs dist/. Usage: node bench/rpc-concurrency.mjs [--conns 50] [--calls 100]
import { Client, arg, certIdFor, digest, promptNote, startBenchAgent, stats, writeResult } from './lib/rpc-setup.mjs';

const CONNS = arg('conns', 50);
const CALLS = arg('calls', 100);
const origins = Array.from({ length: CONNS }, (_, i) => `https://portal${i}.example.vn`);
const bench = await startBenchAgent({ origins });
try {
  const { agent } = bench;
  const clients = await Promise.all(origins.map((o) => Client.open(agent.tlsPort, o, agent.tls.caPem)));
  const certId = await certIdFor(clients[0], bench.thumbprint);
  await clients[0].ok('sign.hash', { certId, hash: digest(0).toString('base64'), hashAlgorithm: 'SHA-256' }); // login
  const latencies = [];
  const errors = {};
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c, ci) => {
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now();
        const r = await c.call('sign.hash', { certId, hash: digest(ci * CALLS + i).toString('base64'), hashAlgorithm: 'SHA-256' });
        latencies.push(performance.now() - t);
        if (r.error) errors[r.error.data.reason] = (errors[r.error.data.reason] ?? 0) + 1;
      }
    }),
  );
  const total = performance.now() - t0;
  for (const c of clients) c.close();
  writeResult('rpc-concurrency', {
    benchmark: 'rpc-concurrency',
    connections: CONNS,
    callsPerConnection: CALLS,
    errors: Object.values(errors).reduce((a, b) => a + b, 0),
    errorReasons: errors,
    latencyMs: stats(latencies),
    signaturesPerSecond: Math.round((CONNS * CALLS) / (total / 1000)),
    target: { errors: 0 },
    note: promptNote(),
    date: new Date().toISOString(),
  });
} finally {
  await bench.close();
}
