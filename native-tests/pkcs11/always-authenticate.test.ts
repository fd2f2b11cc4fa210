// Native: a SoftHSM2 key with CKA_ALWAYS_AUTHENTICATE — context-specific login between C_SignInit and C_Sign.
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { softHsmConfText, templatesFor } from '../../agent/demo/index.js';
import type { DemoKey } from '../../agent/demo/index.js';
import { createPkcs11TokenService } from '../../agent/pkcs11/index.js';
import type { Pkcs11TokenService } from '../../agent/pkcs11/index.js';
import * as C from '../../agent/pkcs11/constants.js';
import { FaultInjector } from '../../agent/pkcs11/fault-injection.js';
import { defaultPkcs11Factory, loadPkcs11js } from '../../agent/pkcs11/pkcs11-api.js';
import '../fixtures/types.js';
import { capturingLogger, softhsmCandidate, systemClock, verifyPkcs1 } from './helpers.js';

const k = inject('kyso');
const PIN = '424242';
const pkcs11js = loadPkcs11js();
const f = k.pki.certs.citizen;
const data = Buffer.from('always authenticate');
const digest = createHash('sha256').update(data).digest();
const pin = (s: string) => new TextEncoder().encode(s);

let dir = '';
let svc: Pkcs11TokenService;
const faults = new FaultInjector();
const logger = capturingLogger();
let certId = '';
let tokenId = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kyso-pkcs11-aa-'));
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(join(dir, 'softhsm2.conf'), softHsmConfText(join(dir, 'tokens')));
  process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'KYSO AA', '--pin', PIN, '--so-pin', '97531'], { stdio: 'ignore' });
  // Import the citizen key + certificate with CKA_ALWAYS_AUTHENTICATE on the private key.
  const privateKey = createPrivateKey(f.keyPem!);
  const key = { algorithm: 'RSA-2048', privateKey, publicKey: createPublicKey(privateKey), pkcs8Pem: f.keyPem!, spki: new Uint8Array(), keyId: Buffer.from(f.ckaIdHex, 'hex') } as DemoKey;
  const templates = templatesFor({ label: 'aa', id: key.keyId, key, certDer: Buffer.from(f.derBase64, 'base64') });
  templates[0]!.push({ type: C.CKA_ALWAYS_AUTHENTICATE, value: true });
  const p11 = new pkcs11js.PKCS11();
  p11.load(k.softhsm.module);
  p11.C_Initialize();
  try {
    const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === 'KYSO AA')!;
    const session = p11.C_OpenSession(slot, C.CKF_SERIAL_SESSION | C.CKF_RW_SESSION);
    p11.C_Login(session, C.CKU_USER, PIN);
    for (const t of templates) p11.C_CreateObject(session, t);
    p11.C_CloseSession(session);
  } finally {
    p11.C_Finalize();
    p11.close();
  }
  svc = createPkcs11TokenService({ modules: [softhsmCandidate(k)], clock: systemClock, logger, pkcs11Factory: faults.factory(defaultPkcs11Factory) });
  const [cert] = await svc.listCertificates();
  certId = cert!.certId;
  tokenId = cert!.tokenId;
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('CKA_ALWAYS_AUTHENTICATE', () => {
  it('isReportedAfterLogin_andEverySignatureDoesAContextLogin', async () => {
    await svc.login(tokenId, pin(PIN));
    expect(await svc.authState(certId)).toMatchObject({ loginRequired: false, alwaysAuthenticate: true });
    faults.resetCounts();
    for (let i = 0; i < 2; i++) {
      const r = await svc.sign({ certId, digest, hashAlgorithm: 'SHA-256' }, pin(PIN));
      expect(verifyPkcs1(f.certPem, data, 'sha256', r.signature)).toBe(true);
    }
    expect(faults.calls('C_Login')).toBe(2);
  });

  it('wrongContextPin_rejectsPinIncorrect_andTheNextSignatureWorks', async () => {
    await expect(svc.sign({ certId, digest, hashAlgorithm: 'SHA-256' }, pin('000000'))).rejects.toMatchObject({ reason: 'PIN_INCORRECT' });
    const r = await svc.sign({ certId, digest, hashAlgorithm: 'SHA-256' }, pin(PIN));
    expect(verifyPkcs1(f.certPem, data, 'sha256', r.signature)).toBe(true);
    expect(logger.text()).not.toContain(PIN);
  });
});
