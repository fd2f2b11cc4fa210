// rpc-batch: one sign.batch of 1000 hashes (one approval, one PIN) over wss vs 1000 token-layer signs on the same key.
// Target (issue 3): batch throughput ≥ 90% of the token layer's. Reports, never fails on time. Needs dist/.
// Usage: node bench/rpc-batch.mjs [--items 1000] [--rounds 3]
import { Client, PORTAL, arg, certIdFor, digest, startBenchAgent, writeResult } from './lib/rpc-setup.mjs';

const ITEMS = arg('items', 1000);
const ROUNDS = arg('rounds', 3);
const bench = await startBenchAgent();
try {
  const { agent } = bench;
  const client = await Client.open(agent.tlsPort, PORTAL, agent.tls.caPem);
  const certId = await certIdFor(client, bench.thumbprint);
  await client.ok('sign.hash', { certId, hash: digest(0).toString('base64'), hashAlgorithm: 'SHA-256' }); // login
  const items = Array.from({ length: ITEMS }, (_, i) => ({ kind: 'hash', params: { hash: digest(i).toString('base64'), hashAlgorithm: 'SHA-256' } }));
  let bestBatch = Infinity;
  let bestToken = Infinity;
  let failures = 0;
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    const res = await client.ok('sign.batch', { certId, label: 'bench', items });
    bestBatch = Math.min(bestBatch, performance.now() - t);
    failures += res.results.filter((x) => !x.ok).length;
    t = performance.now();
    for (let i = 0; i < ITEMS; i++) await agent.tokens.sign({ certId, digest: digest(i), hashAlgorithm: 'SHA-256' });
    bestToken = Math.min(bestToken, performance.now() - t);
  }
  client.close();
  const batchRate = ITEMS / (bestBatch / 1000);
  const tokenRate = ITEMS / (bestToken / 1000);
  writeResult('rpc-batch', {
    benchmark: 'rpc-batch',
    key: 'RSA-2048 PKCS#1 v1.5 SHA-256 on SoftHSM2',
    items: ITEMS,
    rounds: ROUNDS,
    failures,
    batchMs: Math.round(bestBatch),
    tokenLayerMs: Math.round(bestToken),
    batchSignaturesPerSecond: Math.round(batchRate),
    tokenLayerSignaturesPerSecond: Math.round(tokenRate),
    ratio: Math.round((batchRate / tokenRate) * 1000) / 1000,
    target: { ratioAtLeast: 0.9 },
    date: new Date().toISOString(),
  });
} finally {
  await bench.close();
}
