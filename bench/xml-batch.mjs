// xml-batch benchmark: 1,000 e-invoices (≈5 KB each) signed with the XML signer (einvoice profile) vs the raw
// signature rate of the same DigestSigner, same run. Here the signer is a software key; the lead re-runs this through
// the token layer / sign.batch. Needs `npx tsc -p tsconfig.build.json` first.
// Usage: node bench/xml-batch.mjs [--count 1000]   → prints a summary and writes bench/results/xml-batch.json
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const i = process.argv.indexOf('--count');
const count = i === -1 ? 1000 : Number(process.argv[i + 1]);

const { signXml } = await import(join(root, 'dist/agent/signing/xmldsig/index.js'));
const { softwareSigner } = await import(join(root, 'dist/agent/signing/testing/software-signer.js'));
const { createTestPki } = await import(join(root, 'dist/agent/signing/testing/test-pki.js'));

const pki = await createTestPki();
const id = await pki.issue('CÔNG TY TNHH KYSO DEMO');
const signer = softwareSigner(id.keyPem, id.certDer, [pki.ca.certDer]);

// The sample invoice (≈3 KB) renumbered per item, with nine more lines of goods: ≈5 KB like a typical invoice.
const base = readFileSync(join(root, 'native-tests/signing/samples/einvoice.xml'), 'utf8');
const extraLine = '<HHDVu><TChat>1</TChat><STT>5</STT><MHHDVu>CHE-TN</MHHDVu><THHDVu>Chè Thái Nguyên đặc sản (hộp 200 g)</THHDVu><DVTinh>Hộp</DVTinh><SLuong>40</SLuong><DGia>150000</DGia><ThTien>6000000</ThTien><TSuat>8%</TSuat></HHDVu>\n      ';
const invoices = Array.from({ length: count }, (_, n) => new Uint8Array(Buffer.from(
  base.replace('<SHDon>00001234</SHDon>', `<SHDon>${String(n + 1).padStart(8, '0')}</SHDon>`).replace('</DSHHDVu>', `${extraLine.repeat(9)}</DSHHDVu>`), 'utf8')));
const avgKb = invoices.reduce((s, x) => s + x.length, 0) / count / 1024;

const digest = createHash('sha256').update('warm-up').digest();
for (let k = 0; k < 20; k++) await signer.sign(digest, 'SHA-256');
await signXml(invoices[0], { profile: 'einvoice', hashAlgorithm: 'SHA-256' }, signer);

let t0 = performance.now();
for (let k = 0; k < count; k++) await signer.sign(createHash('sha256').update(String(k)).digest(), 'SHA-256');
const rawMs = performance.now() - t0;

t0 = performance.now();
let outBytes = 0;
for (const xml of invoices) outBytes += (await signXml(xml, { profile: 'einvoice', hashAlgorithm: 'SHA-256' }, signer)).length;
const xmlMs = performance.now() - t0;

// Second figure: a signer that works off the main thread (as a token does when the token layer uses C_SignAsync),
// with the batch running two documents at a time so that preparing one overlaps signing the other.
const worker = new Worker(`
  const { parentPort, workerData } = require('node:worker_threads');
  const { createPrivateKey, privateEncrypt, constants } = require('node:crypto');
  const key = createPrivateKey(workerData.keyPem);
  const prefix = Buffer.from('3031300d060960864801650304020105000420', 'hex');
  parentPort.on('message', ({ id, digest }) => {
    const sig = privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([prefix, Buffer.from(digest)]));
    parentPort.postMessage({ id, sig });
  });`, { eval: true, workerData: { keyPem: id.keyPem } });
const pending = new Map();
let nextId = 0;
worker.on('message', ({ id: reqId, sig }) => { pending.get(reqId)(new Uint8Array(sig)); pending.delete(reqId); });
const offThread = {
  certificate: signer.certificate,
  chain: signer.chain,
  sign: (d) => new Promise((resolve) => { const reqId = nextId++; pending.set(reqId, resolve); worker.postMessage({ id: reqId, digest: d }); }),
};
for (let k = 0; k < 50; k++) await offThread.sign(digest, 'SHA-256');
t0 = performance.now();
for (let k = 0; k < count; k++) await offThread.sign(createHash('sha256').update(String(k)).digest(), 'SHA-256');
const offRawMs = performance.now() - t0;
t0 = performance.now();
let cursor = 0;
const lane = async () => {
  while (cursor < invoices.length) await signXml(invoices[cursor++], { profile: 'einvoice', hashAlgorithm: 'SHA-256' }, offThread);
};
await Promise.all([lane(), lane()]);
const offXmlMs = performance.now() - t0;
await worker.terminate();

const rawPerSec = count / (rawMs / 1000);
const xmlPerSec = count / (xmlMs / 1000);
const result = {
  name: 'xml-batch',
  date: new Date().toISOString(),
  node: process.version,
  count,
  avgInputKb: Math.round(avgKb * 100) / 100,
  avgOutputKb: Math.round((outBytes / count / 1024) * 100) / 100,
  rawSignaturesPerSec: Math.round(rawPerSec),
  xmlSignedPerSec: Math.round(xmlPerSec),
  ratio: Math.round((xmlPerSec / rawPerSec) * 1000) / 1000,
  target: 'xmlSignedPerSec ≥ 0.6 × rawSignaturesPerSec (through sign.batch on a token)',
  signer: 'software RSA-2048 (node:crypto) on the main thread — not the token layer; see note',
  offThread: {
    rawSignaturesPerSec: Math.round(count / (offRawMs / 1000)),
    xmlSignedPerSec: Math.round(count / (offXmlMs / 1000)),
    ratio: Math.round((offRawMs / offXmlMs) * 1000) / 1000,
    how: 'same key signing in a worker thread (like C_SignAsync), batch run two documents at a time',
  },
  note: 'Measured against a software DigestSigner; the issue target is through sign.batch and the token layer.',
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'xml-batch.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`xml-batch: ${count} invoices of ${result.avgInputKb} KB — raw ${result.rawSignaturesPerSec}/s, XML ${result.xmlSignedPerSec}/s (ratio ${result.ratio}, target ≥ 0.6); off-thread signer, 2 lanes: raw ${result.offThread.rawSignaturesPerSec}/s, XML ${result.offThread.xmlSignedPerSec}/s (ratio ${result.offThread.ratio})`);
