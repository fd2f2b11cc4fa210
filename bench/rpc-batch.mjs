// rpc-batch: one sign.batch of 1000 hashes (one approval, one PIN) over wss vs 1000 token-layer signs on the same key.
// Target: batch throughput ≥ 90% of the token layer's. Rounds alternate which side runs first and the best
// round of each counts (machine load only ever slows a run down). Reports, never fails on time. Needs dist/.
// Usage: node bench/rpc-batch.mjs [--items 1000] [--rounds 4] [--prompt scripted]
import { Client, PORTAL, arg, certIdFor, digest, promptNote, startBenchAgent, writeResult } from './lib/rpc-setup.mjs';

const ITEMS = arg('items', 1000);
const ROUNDS = arg('rounds', 4);
const bench = await startBenchAgent();
try {
  const { agent } = bench;
  const client = await Client.open(agent.tlsPort, PORTAL, agent.tls.caPem);
  const certId = await certIdFor(client, bench.thumbprint);
  await client.ok('sign.hash', { certId, hash: digest(0).toString('base64'), hashAlgorithm: 'SHA-256' }); // login
  const digests = Array.from({ length: ITEMS }, (_, i) => digest(i));
  const items = digests.map((d) => ({ kind: 'hash', params: { hash: d.toString('base64'), hashAlgorithm: 'SHA-256' } }));
  let failures = 0;
  const batchMs = [];
  const tokenMs = [];
  const runBatch = async () => {
    const t = performance.now();
    const res = await client.ok('sign.batch', { certId, label: 'bench', items });
    batchMs.push(performance.now() - t);
    failures += res.results.filter((x) => !x.ok).length;
  };
  const runToken = async () => {
    const t = performance.now();
    for (let i = 0; i < ITEMS; i++) await agent.tokens.sign({ certId, digest: digests[i], hashAlgorithm: 'SHA-256' });
    tokenMs.push(performance.now() - t);
  };
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      await runBatch();
      await runToken();
    } else {
      await runToken();
      await runBatch();
    }
  }
  const bestBatch = Math.min(...batchMs);
  const bestToken = Math.min(...tokenMs);
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
    allBatchMs: batchMs.map(Math.round),
    allTokenLayerMs: tokenMs.map(Math.round),
    note: `best round of each side; ${promptNote()}`,
    date: new Date().toISOString(),
  });
} finally {
  await bench.close();
}
