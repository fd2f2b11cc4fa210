// xml-batch: 1,000 e-invoices (≈5 KB each, einvoice profile) in ONE sign.batch over wss through the whole agent
// (dispatcher → signing flow → XML signer → token layer → SoftHSM2 demo token), vs the token layer's raw signature
// rate on the same key in the same run. Target: XML documents per second ≥ 60% of raw signatures per
// second. Rounds alternate which side runs first; the best round of each counts (a loaded machine only ever makes a
// run slower). Reports, never fails on time. Needs dist/. Usage: node bench/xml-batch.mjs [--count 1000] [--rounds 3]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, PORTAL, arg, certIdFor, digest, promptNote, root, startBenchAgent, writeResult } from './lib/rpc-setup.mjs';

const COUNT = arg('count', 1000);
const ROUNDS = arg('rounds', 3);

// The sample invoice (≈3 KB) renumbered per item, with nine more lines of goods: ≈5 KB like a typical invoice.
const base = readFileSync(join(root, 'native-tests/signing/samples/einvoice.xml'), 'utf8');
const extraLine = '<HHDVu><TChat>1</TChat><STT>5</STT><MHHDVu>CHE-TN</MHHDVu><THHDVu>Chè Thái Nguyên đặc sản (hộp 200 g)</THHDVu><DVTinh>Hộp</DVTinh><SLuong>40</SLuong><DGia>150000</DGia><ThTien>6000000</ThTien><TSuat>8%</TSuat></HHDVu>\n      ';
const invoices = Array.from({ length: COUNT }, (_, n) => Buffer.from(
  base.replace('<SHDon>00001234</SHDon>', `<SHDon>${String(n + 1).padStart(8, '0')}</SHDon>`).replace('</DSHHDVu>', `${extraLine.repeat(9)}</DSHHDVu>`), 'utf8'));
const avgInputKb = invoices.reduce((s, x) => s + x.length, 0) / COUNT / 1024;
const items = invoices.map((xml, n) => ({ kind: 'xml', params: { xml: xml.toString('base64'), profile: 'einvoice', fileName: `hd-${n + 1}.xml` } }));
const digests = Array.from({ length: COUNT }, (_, n) => digest(n));

const bench = await startBenchAgent();
try {
  const { agent } = bench;
  const client = await Client.open(agent.tlsPort, PORTAL, agent.tls.caPem);
  const certId = await certIdFor(client, bench.thumbprint);
  // Warm-up: logs in (PIN through the prompt double), loads the XML signer, warms both paths.
  await client.ok('sign.batch', { certId, label: 'warm-up', items: items.slice(0, 20) });
  for (let n = 0; n < 50; n++) await agent.tokens.sign({ certId, digest: digests[n], hashAlgorithm: 'SHA-256' });

  const runBatch = async () => {
    const t = performance.now();
    const res = await client.ok('sign.batch', { certId, label: `Hoá đơn điện tử (${COUNT})`, items });
    const ms = performance.now() - t;
    const failed = res.results.filter((r) => !r.ok);
    if (failed.length > 0) throw new Error(`${failed.length} items failed: ${JSON.stringify(failed[0].error)}`);
    const outBytes = res.results.reduce((s, r) => s + Buffer.byteLength(r.result.xml, 'base64'), 0);
    return { ms, outBytes };
  };
  const runRaw = async () => {
    const t = performance.now();
    for (let n = 0; n < COUNT; n++) await agent.tokens.sign({ certId, digest: digests[n], hashAlgorithm: 'SHA-256' });
    return performance.now() - t;
  };

  const batchMs = [];
  const rawMs = [];
  let outBytes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      const b = await runBatch();
      batchMs.push(b.ms);
      outBytes = b.outBytes;
      rawMs.push(await runRaw());
    } else {
      rawMs.push(await runRaw());
      const b = await runBatch();
      batchMs.push(b.ms);
      outBytes = b.outBytes;
    }
  }
  client.close();
  const bestBatch = Math.min(...batchMs);
  const bestRaw = Math.min(...rawMs);
  const xmlPerSec = COUNT / (bestBatch / 1000);
  const rawPerSec = COUNT / (bestRaw / 1000);
  writeResult('xml-batch', {
    benchmark: 'xml-batch',
    path: 'one sign.batch over wss (approved origin, logged-in token) → dispatcher → XML signer (einvoice profile) → token layer → SoftHSM2',
    key: 'RSA-2048 PKCS#1 v1.5 SHA-256 on SoftHSM2 (agent/demo citizen key)',
    count: COUNT,
    rounds: ROUNDS,
    avgInputKb: Math.round(avgInputKb * 100) / 100,
    avgOutputKb: Math.round((outBytes / COUNT / 1024) * 100) / 100,
    batchMs: batchMs.map(Math.round),
    rawMs: rawMs.map(Math.round),
    xmlSignedPerSec: Math.round(xmlPerSec),
    rawSignaturesPerSec: Math.round(rawPerSec),
    ratio: Math.round((xmlPerSec / rawPerSec) * 1000) / 1000,
    target: { ratioAtLeast: 0.6 },
    note: `best round of each side; ${promptNote()}`,
    node: process.version,
    date: new Date().toISOString(),
  });
} finally {
  await bench.close();
}
