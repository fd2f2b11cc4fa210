// rpc-latency: sign.hash round trip over wss (approved origin, logged-in token, prompt double) vs the token
// layer's sign on the same key in the same run; reports p50/p99 of both and the overhead. Target:
// p50 overhead ≤ 0.5 ms, p99 overhead ≤ 3 ms. Reports, never fails on time. Needs dist/ (npm run build).
// Usage: node bench/rpc-latency.mjs [--n 500] [--prompt scripted]
import { Client, PORTAL, arg, certIdFor, digest, promptNote, startBenchAgent, stats, writeResult } from './lib/rpc-setup.mjs';

const N = arg('n', 500);
const bench = await startBenchAgent();
try {
  const { agent } = bench;
  const client = await Client.open(agent.tlsPort, PORTAL, agent.tls.caPem);
  const certId = await certIdFor(client, bench.thumbprint);
  const params = (i) => ({ certId, hash: digest(i).toString('base64'), hashAlgorithm: 'SHA-256' });
  // Warm-up (first one logs in with the PIN through the prompt double).
  for (let i = 0; i < 30; i++) await client.ok('sign.hash', params(i));
  for (let i = 0; i < 30; i++) await agent.tokens.sign({ certId, digest: digest(i), hashAlgorithm: 'SHA-256' });

  const wss = [];
  const token = [];
  // Interleaved so that machine noise hits both series alike.
  for (let i = 0; i < N; i++) {
    const p = params(i);
    const d = digest(i);
    let t = performance.now();
    await client.ok('sign.hash', p);
    wss.push(performance.now() - t);
    t = performance.now();
    await agent.tokens.sign({ certId, digest: d, hashAlgorithm: 'SHA-256' });
    token.push(performance.now() - t);
  }
  client.close();
  const w = stats(wss);
  const k = stats(token);
  writeResult('rpc-latency', {
    benchmark: 'rpc-latency',
    key: 'RSA-2048 PKCS#1 v1.5 SHA-256 on SoftHSM2',
    unit: 'ms',
    wss: w,
    tokenLayer: k,
    overhead: { p50: Math.round((w.p50 - k.p50) * 1000) / 1000, p99: Math.round((w.p99 - k.p99) * 1000) / 1000 },
    target: { p50OverheadMs: 0.5, p99OverheadMs: 3 },
    note: promptNote(),
    date: new Date().toISOString(),
  });
} finally {
  await bench.close();
}
