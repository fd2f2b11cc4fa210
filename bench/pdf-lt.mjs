// pdf-lt benchmark: the long-term PAdES levels on the ~7 MB / 2,000-page file, the way sign.pdf does them —
// B-B; B-T (+ one RFC 3161 round trip); B-LT (B-T, then fresh OCSP + CRL answers for the signer and its CA from the
// status test PKI's loopback responder, then the DSS incremental update); B-LTA (+ a document timestamp).
// Each figure includes describe (parse) + sign, like a request. Target: B-LT within 2× of B-B.
// Needs `npx tsc -p tsconfig.build.json && npx tsc -p tsconfig.bench.json` first (imports dist/ and dist-bench/).
// Usage: node bench/pdf-lt.mjs [--runs N]  → prints JSON and writes bench/results/pdf-lt.json
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeText } from './lib/pdf-inputs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

const { generateStatusPki } = await import(join(root, 'dist/agent/demo/status-pki.js'));
const { startStatusResponder } = await import(join(root, 'dist/agent/demo/status-responder.js'));
const { CertificateStatusService } = await import(join(root, 'dist/agent/certs/status/service.js'));
const { longTermMaterial } = await import(join(root, 'dist/agent/core/status/long-term.js'));
const { createDocumentSigners } = await import(join(root, 'dist/agent/signing/index.js'));
const { softwareSigner } = await import(join(root, 'dist/agent/signing/testing/software-signer.js'));
const { startLocalTsa } = await import(join(root, 'dist-bench/native-tests/signing/tsa-server.js'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'kyso-bench-lt-'));
const responder = await startStatusResponder();
const tsa = await startLocalTsa();
try {
  const pki = await generateStatusPki(join(dir, 'pki'), { baseUrl: responder.baseUrl });
  responder.serve(pki);
  const pdf = await makeText(2000, 60);
  const documents = createDocumentSigners();
  const signer = softwareSigner(pki.certs.good.key.pkcs8Pem, pki.certs.good.der, [pki.ca.der]);
  const status = new CertificateStatusService({ anchors: () => [pki.root.der], allowPrivate: true, timeoutMs: 5000 });

  async function sign(level) {
    const longTerm = level === 'B-LT' || level === 'B-LTA';
    const options = { fileName: 'ho-so.pdf', hashAlgorithm: 'SHA-256', level: longTerm ? 'B-T' : level, signingTime: new Date(), ...(level === 'B-B' ? {} : { timestamp: { url: tsa.url } }) };
    const signed = await documents.signPdf((await documents.describePdf(pdf)).plan, options, signer);
    if (!longTerm) return signed;
    const validation = await longTermMaterial(status, pki.certs.good.der, [pki.ca.der]);
    return documents.extendPdf(signed, { level, validation, hashAlgorithm: 'SHA-256', timestamp: { url: tsa.url } });
  }

  const loadBefore = os.loadavg();
  const levels = {};
  await sign('B-B'); // warm-up: JIT and first-use costs out of the figures
  for (const level of ['B-B', 'B-T', 'B-LT', 'B-LTA']) {
    const ms = [];
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      globalThis.gc?.();
      const t0 = performance.now();
      const out = await sign(level);
      ms.push(performance.now() - t0);
      bytes = out.length;
    }
    levels[level] = { medianMs: +median(ms).toFixed(1), samplesMs: ms.map((x) => +x.toFixed(1)), outBytes: bytes };
  }
  const result = {
    bench: 'pdf-lt', node: process.version, cpus: os.cpus().length, date: new Date().toISOString(), runs: RUNS,
    inputBytes: pdf.length, pages: 2000,
    loadavgBefore: loadBefore.map((x) => +x.toFixed(2)), loadavgAfter: os.loadavg().map((x) => +x.toFixed(2)),
    levels,
    ltOverBb: +(levels['B-LT'].medianMs / levels['B-B'].medianMs).toFixed(2),
    target: 'B-LT ≤ 2 × B-B',
    note: 'each figure: describe + sign (+ TSA on loopback, + fresh OCSP/CRL on loopback, + DSS update) of one request',
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'pdf-lt.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await Promise.all([responder.close(), tsa.close()]);
  rmSync(dir, { recursive: true, force: true });
}
