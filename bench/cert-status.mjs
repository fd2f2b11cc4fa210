// cert-status benchmark: what the certificate-status gate adds to a signature — warm cache (in-memory hit, no I/O)
// and cold cache (one OCSP round trip to the loopback responder of the status test PKI, with caIssuers fetched
// once per fresh service). Needs `npx tsc -p tsconfig.build.json` first (imports dist/).
// Usage: node bench/cert-status.mjs [--warm N] [--cold N]  → prints JSON and writes bench/results/cert-status.json
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const WARM = arg('warm', 2000);
const COLD = arg('cold', 30);

const { generateStatusPki } = await import(join(root, 'dist/agent/demo/status-pki.js'));
const { startStatusResponder } = await import(join(root, 'dist/agent/demo/status-responder.js'));
const { CertificateStatusService } = await import(join(root, 'dist/agent/certs/status/service.js'));
const { checkBeforeSigning } = await import(join(root, 'dist/agent/core/status/gate.js'));
const { DEFAULT_POLICY } = await import(join(root, 'dist/agent/core/policy/policy.js'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const dir = mkdtempSync(join(tmpdir(), 'kyso-bench-status-'));
const responder = await startStatusResponder();
try {
  const pki = await generateStatusPki(join(dir, 'pki'), { baseUrl: responder.baseUrl });
  responder.serve(pki);
  const good = pki.certs.good;
  const query = { certificate: good.der, candidates: [pki.ca.der], purpose: 'token' };
  const make = () => new CertificateStatusService({ anchors: () => [pki.root.der], allowPrivate: true, timeoutMs: 5000 });

  const cold = [];
  for (let i = 0; i < COLD; i++) {
    const s = make();
    const t0 = performance.now();
    const r = await s.check(query);
    cold.push(performance.now() - t0);
    if (r.status !== 'good') throw new Error(`cold check: ${r.status} ${r.detail ?? ''}`);
  }

  // The gate as the signing flow calls it (key strength + token chain + service), with a warm cache.
  const service = make();
  const cert = { certId: 'c', keyAlgorithm: 'RSA-2048', der: Buffer.from(good.der).toString('base64'), thumbprintSha256: good.thumbprintSha256 };
  const tokens = { getChain: async () => [pki.ca.der] };
  const logger = { info() {}, warn() {}, error() {} };
  const deps = { tokens, policy: DEFAULT_POLICY, logger, status: service };
  await checkBeforeSigning(deps, cert);
  const warm = [];
  for (let i = 0; i < WARM; i++) {
    const t0 = performance.now();
    await checkBeforeSigning(deps, cert);
    warm.push(performance.now() - t0);
  }
  const result = {
    bench: 'cert-status', node: process.version, cpus: os.cpus().length, date: new Date().toISOString(),
    warmGateMs: { median: +median(warm).toFixed(4), p95: +p95(warm).toFixed(4), n: WARM, target: '≤ 1 ms' },
    coldCheckMs: { median: +median(cold).toFixed(2), p95: +p95(cold).toFixed(2), n: COLD, note: 'one OCSP POST on loopback (+ the CA from the token pool)' },
    ocspRequests: responder.hits['/ocsp'] ?? 0,
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'cert-status.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await responder.close();
  rmSync(dir, { recursive: true, force: true });
}
