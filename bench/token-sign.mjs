// token-sign benchmark: signatures/s through kyso-agent's token layer (Pkcs11TokenService.sign) vs a bare pkcs11js
// loop (C_SignInit + C_Sign) on the same SoftHSM2 key in the same run, for RSA-2048 (PKCS#1 v1.5, SHA-256) and
// ECDSA P-256 (raw r||s, like the bare loop; DER reported too). Builds its own PKI and token in a temp dir. Needs
// `npx tsc -p tsconfig.build.json` first (imports dist/). Both sides run in the same process on the same
// initialised library, interleaved in short slices so a noisy neighbour hurts both alike; the median of N rounds.
// Usage: node bench/token-sign.mjs [--seconds S] [--rounds N] [--slice MS]  → prints JSON and writes bench/results/token-sign.json
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 1);
const ROUNDS = arg('rounds', 5);
const SLICE_MS = arg('slice', 20);
const PIN = '246810';

const { generatePki, provisionSoftHsm, tokenObjectsFor, findSoftHsmModule } = await import(join(root, 'dist/agent/demo/index.js'));
const { createPkcs11TokenService } = await import(join(root, 'dist/agent/pkcs11/index.js'));
const pkcs11js = createRequire(import.meta.url)('pkcs11js');

const DIGEST_INFO_SHA256 = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const digest = createHash('sha256').update('kyso token-sign bench').digest();

/**
 * Runs `a` and `b` in alternating slices of SLICE_MS for SECONDS in total and returns ops/s of each. Interleaving
 * makes both sides share whatever load the machine has at the time (CI runners and dev boxes are noisy).
 */
async function interleaved(a, b) {
  const count = [0, 0];
  const time = [0, 0];
  const ops = [a, b];
  const end = performance.now() + SECONDS * 1000;
  for (let side = 0; performance.now() < end; side ^= 1) {
    const op = ops[side];
    const t0 = performance.now();
    const until = t0 + SLICE_MS;
    let n = 0;
    while (performance.now() < until) {
      for (let i = 0; i < 10; i++) await op();
      n += 10;
    }
    count[side] += n;
    time[side] += performance.now() - t0;
  }
  return [count[0] / (time[0] / 1000), count[1] / (time[1] / 1000)];
}

/**
 * The bare side: its own pkcs11js object on the same library (already initialised by the layer, so C_Initialize
 * answers CKR_CRYPTOKI_ALREADY_INITIALIZED), its own session, the key found once, then C_SignInit + C_Sign.
 * Awaited per call like the layer, so the comparison isolates what the layer adds.
 */
function bareSigner(module, keyIdHex, kind) {
  const p11 = new pkcs11js.PKCS11();
  p11.load(module);
  try {
    p11.C_Initialize();
  } catch (e) {
    if (e.code !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw e;
  }
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === 'KYSO BENCH');
  const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  try {
    p11.C_Login(session, pkcs11js.CKU_USER, PIN);
  } catch (e) {
    if (e.code !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) throw e;
  }
  p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_ID, value: Buffer.from(keyIdHex, 'hex') }]);
  const [key] = p11.C_FindObjects(session, 1);
  p11.C_FindObjectsFinal(session);
  const mech = { mechanism: kind === 'rsa' ? pkcs11js.CKM_RSA_PKCS : pkcs11js.CKM_ECDSA };
  const data = kind === 'rsa' ? Buffer.concat([DIGEST_INFO_SHA256, digest]) : digest;
  const outLen = kind === 'rsa' ? 256 : 64;
  return {
    sign: async () => {
      p11.C_SignInit(session, mech, key);
      return p11.C_Sign(session, data, Buffer.allocUnsafe(outLen));
    },
    close: () => p11.C_CloseSession(session),
  };
}

const module = findSoftHsmModule();
if (!module) throw new Error('SoftHSM2 not found (npm run setup:system)');
const dir = mkdtempSync(join(tmpdir(), 'kyso-bench-token-'));
try {
  const pki = await generatePki(join(dir, 'pki'));
  const conf = join(dir, 'softhsm2.conf');
  await provisionSoftHsm({
    module, conf, tokenDir: join(dir, 'tokens'),
    tokens: [{ label: 'KYSO BENCH', pin: PIN, soPin: '13579135', objects: tokenObjectsFor(pki, ['citizen', 'ecPerson']) }],
  });
  process.env.SOFTHSM2_CONF = conf;
  const ids = { rsa: Buffer.from(pki.certs.citizen.key.keyId).toString('hex'), ec: Buffer.from(pki.certs.ecPerson.key.keyId).toString('hex') };
  const thumbprints = { rsa: pki.certs.citizen.thumbprintSha256, ec: pki.certs.ecPerson.thumbprintSha256 };
  const logger = { info() {}, warn() {}, error() {} };
  const svc = createPkcs11TokenService({ modules: [{ name: 'SoftHSM2', path: module, source: 'env' }], clock: { now: () => new Date() }, logger });
  const measured = { bareRsa: 0, bareEc: 0, layerRsa: 0, layerEc: 0, layerEcDer: 0, bareEc2: 0 };
  try {
    const certs = await svc.listCertificates();
    const rsa = certs.find((c) => c.thumbprintSha256 === thumbprints.rsa);
    const ec = certs.find((c) => c.thumbprintSha256 === thumbprints.ec);
    await svc.login(rsa.tokenId, new TextEncoder().encode(PIN));
    const bareRsa = bareSigner(module, ids.rsa, 'rsa');
    const bareEc = bareSigner(module, ids.ec, 'ec');
    const rsaReq = { certId: rsa.certId, digest, hashAlgorithm: 'SHA-256' };
    const ecReq = { certId: ec.certId, digest, hashAlgorithm: 'SHA-256', ecdsaFormat: 'raw' };
    const ecDerReq = { certId: ec.certId, digest, hashAlgorithm: 'SHA-256' };
    // Warm-up (JIT, caches of both sides), not counted.
    for (let i = 0; i < 50; i++) await Promise.all([svc.sign(rsaReq), svc.sign(ecReq), svc.sign(ecDerReq), bareRsa.sign(), bareEc.sign()]);
    // Each round measures both sides under the same load; the round with the median ratio is reported.
    const rounds = { rsa: [], ec: [], ecDer: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const [lr, br] = await interleaved(() => svc.sign(rsaReq), bareRsa.sign);
      rounds.rsa.push({ layer: lr, bare: br, ratio: lr / br });
      const [le, be] = await interleaved(() => svc.sign(ecReq), bareEc.sign);
      rounds.ec.push({ layer: le, bare: be, ratio: le / be });
      const [ld, bd] = await interleaved(() => svc.sign(ecDerReq), bareEc.sign);
      rounds.ecDer.push({ layer: ld, bare: bd, ratio: ld / bd });
    }
    const median = (xs) => [...xs].sort((a, b) => a.ratio - b.ratio)[Math.floor(xs.length / 2)];
    const [mr, me, md] = [median(rounds.rsa), median(rounds.ec), median(rounds.ecDer)];
    Object.assign(measured, { bareRsa: mr.bare, layerRsa: mr.layer, bareEc: me.bare, layerEc: me.layer, layerEcDer: md.layer, bareEc2: md.bare });
    bareRsa.close();
    bareEc.close();
  } finally {
    await svc.close();
  }
  const r2 = (x) => Math.round(x * 100) / 100;
  const result = {
    rsa2048: { layer: r2(measured.layerRsa), bare: r2(measured.bareRsa), ratio: r2(measured.layerRsa / measured.bareRsa) },
    p256: { layer: r2(measured.layerEc), bare: r2(measured.bareEc), ratio: r2(measured.layerEc / measured.bareEc), der: { layer: r2(measured.layerEcDer), bare: r2(measured.bareEc2), ratio: r2(measured.layerEcDer / measured.bareEc2) } },
    unit: 'signatures/s', seconds: SECONDS, rounds: ROUNDS, sliceMs: SLICE_MS, loadavg: os.loadavg().map(r2), module: 'SoftHSM2', node: process.version, date: new Date().toISOString(),
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'token-sign.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
