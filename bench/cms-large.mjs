// cms-large benchmark: a 50 MB detached CMS (read file + createCades) vs reading and hashing the same file alone,
// same process, same run. Needs `npx tsc -p tsconfig.build.json` first.
// Usage: node bench/cms-large.mjs [--mb 50] [--runs 5]   → prints a summary and writes bench/results/cms-large.json
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : Number(process.argv[i + 1]);
};
const mb = arg('mb', 50);
const runs = arg('runs', 5);

const { createCades } = await import(join(root, 'dist/agent/signing/cms/cades.js'));
const { softwareSigner } = await import(join(root, 'dist/agent/signing/testing/software-signer.js'));
const { createTestPki } = await import(join(root, 'dist/agent/signing/testing/test-pki.js'));

const pki = await createTestPki();
const id = await pki.issue('NGUYỄN VĂN AN');
const signer = softwareSigner(id.keyPem, id.certDer, [pki.ca.certDer]);

const dir = mkdtempSync(join(tmpdir(), 'kyso-bench-cms-'));
const file = join(dir, 'scan.bin');
writeFileSync(file, randomBytes(mb * 1048576));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hashTimes = [];
const cmsTimes = [];
let cmsSize = 0;
try {
  // Warm-up of both paths (JIT, page cache) so neither pays first-call costs alone.
  createHash('sha256').update(await readFile(file)).digest();
  await createCades({ data: new Uint8Array(1024) }, { hashAlgorithm: 'SHA-256', detached: true, signingTime: new Date() }, signer);
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    createHash('sha256').update(await readFile(file)).digest();
    hashTimes.push(performance.now() - t0);
    t0 = performance.now();
    const data = await readFile(file);
    const cms = await createCades({ data: new Uint8Array(data.buffer, data.byteOffset, data.length) }, { hashAlgorithm: 'SHA-256', detached: true, signingTime: new Date() }, signer);
    cmsTimes.push(performance.now() - t0);
    cmsSize = cms.length;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const result = {
  name: 'cms-large',
  date: new Date().toISOString(),
  node: process.version,
  fileMb: mb,
  runs,
  hashOnlyMs: Math.round(median(hashTimes) * 10) / 10,
  cmsDetachedMs: Math.round(median(cmsTimes) * 10) / 10,
  ratio: Math.round((median(cmsTimes) / median(hashTimes)) * 100) / 100,
  target: 'cmsDetachedMs ≤ 2 × hashOnlyMs',
  cmsBytes: cmsSize,
  signer: 'software RSA-2048 (node:crypto), PKCS#1 v1.5 SHA-256',
  allHashMs: hashTimes.map((t) => Math.round(t)),
  allCmsMs: cmsTimes.map((t) => Math.round(t)),
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'cms-large.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`cms-large: ${mb} MB — hash only ${result.hashOnlyMs} ms, detached CMS ${result.cmsDetachedMs} ms (×${result.ratio}, target ≤ ×2)`);
