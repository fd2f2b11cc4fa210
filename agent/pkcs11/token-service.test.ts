// Unit: Pkcs11TokenService over a scripted fake PKCS11 object — PIN-pad, always-authenticate keys, key pairing by
// public key, removal and re-insertion, change notifications.
import { constants, createHash, createPublicKey, privateEncrypt, verify, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../core/ports.js';
import * as C from './constants.js';
import { InjectedPkcs11Error } from './fault-injection.js';
import type { Pkcs11Api } from './pkcs11-api.js';
import { createPkcs11TokenService } from './token-service.js';
import type { Pkcs11TokenService } from './token-service.js';

const quiet: Logger = { info() {}, warn() {}, error() {} };
const MODULE = process.execPath; // any absolute, regular, non-writable file passes the loader rules

let certDer: Buffer;
let privateKey: KeyObject;

beforeAll(async () => {
  const crypto = webcrypto as unknown as Crypto;
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 1024 };
  const keys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=Fake Person', notBefore: new Date(Date.now() - 86400e3), notAfter: new Date(Date.now() + 86400e3), keys, signingAlgorithm: alg }, crypto);
  certDer = Buffer.from(cert.rawData);
  privateKey = (await import('node:crypto')).KeyObject.from(keys.privateKey);
});

interface FakeOptions {
  flags: number;
  certId: Buffer;
  /** Empty: the private key has no CKA_ID. */
  keyId: Buffer;
  alwaysAuthenticate: boolean;
  /** Private keys are only visible after login (like most tokens). */
  privateHidden: boolean;
  /** C_WaitForSlotEvent(CKF_DONT_BLOCK) works (answers CKR_NO_EVENT) instead of CKR_FUNCTION_NOT_SUPPORTED. */
  slotEvents?: boolean;
}

/** One slot, one token, one certificate + RSA key. Records calls as "C_Name(arg)" strings. */
function fakeToken(o: FakeOptions) {
  const calls: string[] = [];
  const state = { eventSent: false, finalized: 0, present: true, loggedIn: false, nextSession: 1, sessions: new Set<number>(), op: null as null | { mech: number; contextOk: boolean } };
  const modulus = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).n!, 'base64url');
  const objects: { h: number; cls: number; attrs: Record<number, Buffer> }[] = [
    { h: 1, cls: C.CKO_CERTIFICATE, attrs: { [C.CKA_ID]: o.certId, [C.CKA_VALUE]: certDer, [C.CKA_LABEL]: Buffer.from('cert') } },
    { h: 2, cls: C.CKO_PRIVATE_KEY, attrs: withId(o.keyId, { [C.CKA_KEY_TYPE]: ulong(C.CKK_RSA), [C.CKA_MODULUS]: modulus, [C.CKA_ALWAYS_AUTHENTICATE]: Buffer.from([o.alwaysAuthenticate ? 1 : 0]) }) },
  ];
  let found: number[] = [];
  const gone = (fn: string) => new InjectedPkcs11Error(C.CKR_DEVICE_REMOVED, fn);
  const handle = (n: number) => Buffer.from([n]);
  const session = (s: Buffer, fn: string) => {
    if (!state.present) throw gone(fn);
    if (!state.sessions.has(s[0]!)) throw new InjectedPkcs11Error(C.CKR_SESSION_HANDLE_INVALID, fn);
  };
  const api = {
    load() {}, close() {}, C_Initialize() {},
    C_Finalize: () => {
      state.finalized++;
      state.sessions.clear();
      state.loggedIn = false;
    },
    C_GetInfo: () => ({ cryptokiVersion: { major: 2, minor: 40 }, manufacturerID: 'Fake', flags: 0, libraryDescription: 'Fake PKCS#11', libraryVersion: { major: 1, minor: 0 } }),
    C_GetSlotList: () => (state.present ? [handle(7)] : []),
    C_GetTokenInfo: () => {
      if (!state.present) throw new InjectedPkcs11Error(C.CKR_TOKEN_NOT_PRESENT, 'C_GetTokenInfo');
      return { label: 'FAKE TOKEN                      ', manufacturerID: 'Feitian  ', model: 'ePass3003  ', serialNumber: '0123456789      ', flags: o.flags };
    },
    C_OpenSession: () => {
      if (!state.present) throw gone('C_OpenSession');
      const s = state.nextSession++;
      state.sessions.add(s);
      return handle(s);
    },
    C_CloseSession: (s: Buffer) => void state.sessions.delete(s[0]!),
    C_Login: (s: Buffer, user: number, pin?: string) => {
      session(s, 'C_Login');
      calls.push(`C_Login(${user},${pin === undefined ? 'pinpad' : 'pin'})`);
      if (user === C.CKU_CONTEXT_SPECIFIC) {
        if (state.op) state.op.contextOk = true;
        return;
      }
      state.loggedIn = true;
    },
    C_Logout: (s: Buffer) => {
      session(s, 'C_Logout');
      state.loggedIn = false;
    },
    C_FindObjectsInit: (s: Buffer, template: { type: number; value?: unknown }[]) => {
      session(s, 'C_FindObjectsInit');
      const cls = template.find((t) => t.type === C.CKA_CLASS)?.value;
      const id = template.find((t) => t.type === C.CKA_ID)?.value as Buffer | undefined;
      found = objects
        .filter((x) => x.cls === cls && (!id || !!x.attrs[C.CKA_ID]?.equals(id)))
        .filter((x) => x.cls !== C.CKO_PRIVATE_KEY || !o.privateHidden || state.loggedIn)
        .map((x) => x.h);
    },
    C_FindObjects: (_s: Buffer, max: number) => found.splice(0, max).map(handle),
    C_FindObjectsFinal: () => {},
    C_GetAttributeValue: (_s: Buffer, h: Buffer, template: { type: number }[]) => {
      const obj = objects.find((x) => x.h === h[0])!;
      return template.map((t) => {
        const value = obj.attrs[t.type];
        if (value === undefined) throw new InjectedPkcs11Error(C.CKR_ATTRIBUTE_TYPE_INVALID, 'C_GetAttributeValue');
        return { type: t.type, value };
      });
    },
    C_SignInit: (s: Buffer, mech: { mechanism: number }) => {
      session(s, 'C_SignInit');
      calls.push('C_SignInit');
      state.op = { mech: mech.mechanism, contextOk: false };
    },
    C_Sign: (s: Buffer, data: Buffer) => {
      session(s, 'C_Sign');
      calls.push('C_Sign');
      const op = state.op;
      state.op = null;
      if (!state.loggedIn || (o.alwaysAuthenticate && !op?.contextOk)) throw new InjectedPkcs11Error(C.CKR_USER_NOT_LOGGED_IN, 'C_Sign');
      return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, data);
    },
    C_WaitForSlotEvent: () => {
      if (o.slotEvents && !state.eventSent) {
        state.eventSent = true;
        return handle(7);
      }
      throw new InjectedPkcs11Error(o.slotEvents ? C.CKR_NO_EVENT : C.CKR_FUNCTION_NOT_SUPPORTED, 'C_WaitForSlotEvent');
    },
  };
  return { api: api as unknown as Pkcs11Api, calls, state };
}

function withId(id: Buffer, attrs: Record<number, Buffer>): Record<number, Buffer> {
  if (id.length) attrs[C.CKA_ID] = id;
  return attrs;
}

function ulong(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

const defaults: FakeOptions = { flags: C.CKF_LOGIN_REQUIRED | C.CKF_TOKEN_INITIALIZED, certId: Buffer.from('aa', 'hex'), keyId: Buffer.from('aa', 'hex'), alwaysAuthenticate: false, privateHidden: true };
let svc: Pkcs11TokenService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

function make(o: Partial<FakeOptions> = {}, pollMs?: number, extra: { offThreadSigning?: 'auto' | 'always' | 'never'; wrap?: (api: Pkcs11Api) => Pkcs11Api } = {}) {
  const fake = fakeToken({ ...defaults, ...o });
  const api = extra.wrap ? extra.wrap(fake.api) : fake.api;
  svc = createPkcs11TokenService({
    modules: [{ name: 'Feitian ePass3003', path: MODULE, source: 'catalog' }], clock: { now: () => new Date() }, logger: quiet, pkcs11Factory: () => api,
    ...(pollMs ? { pollMs } : {}), ...(extra.offThreadSigning ? { offThreadSigning: extra.offThreadSigning } : {}),
  });
  return { svc, ...fake };
}

/**
 * Gives the fake an asynchronous C_Sign that completes after the next of `delaysMs` (so unserialised calls would
 * finish out of order) and records any call that enters the module while another one is still inside it.
 */
function overlapProbe(delaysMs: number[]) {
  const probe = { inside: 0, overlaps: [] as string[], asyncCalls: 0 };
  const wrap = (api: Pkcs11Api): Pkcs11Api => new Proxy(api, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop === 'C_SignAsync') {
        return (s: Buffer, data: Buffer, out: Buffer): Promise<Buffer> => {
          if (probe.inside > 0) probe.overlaps.push('C_SignAsync');
          probe.inside++;
          const delay = delaysMs[probe.asyncCalls++ % delaysMs.length]!;
          return new Promise<Buffer>((resolve, reject) => setTimeout(() => {
            try {
              resolve((target.C_Sign as (s: Buffer, d: Buffer, o: Buffer) => Buffer)(s, data, out));
            } catch (e) {
              reject(e as Error);
            } finally {
              probe.inside--;
            }
          }, delay));
        };
      }
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]): unknown => {
        if (probe.inside > 0) probe.overlaps.push(prop);
        probe.inside++;
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        } finally {
          probe.inside--;
        }
      };
    },
  });
  return { probe, wrap };
}

const data = Buffer.from('hello');
const digest = createHash('sha256').update(data).digest();
const checks = (sig: Uint8Array) => verify('sha256', data, createPublicKey(privateKey), sig);

describe('Pkcs11TokenService (fake module)', () => {
  it('readsTokenInfo_intoTheWireToken', async () => {
    const { svc } = make({ flags: C.CKF_LOGIN_REQUIRED | C.CKF_PROTECTED_AUTHENTICATION_PATH | C.CKF_USER_PIN_COUNT_LOW });
    const [t] = await svc.listTokens();
    expect(t).toMatchObject({ label: 'FAKE TOKEN', manufacturer: 'Feitian', model: 'ePass3003', serialNumber: '0123456789', moduleName: 'Feitian ePass3003', pinpad: true, pinStatus: 'countLow' });
    expect(t!.tokenId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('pinpadLogin_callsCLoginWithoutPin', async () => {
    const { svc, calls } = make({ flags: C.CKF_LOGIN_REQUIRED | C.CKF_PROTECTED_AUTHENTICATION_PATH });
    const [cert] = await svc.listCertificates();
    expect((await svc.authState(cert!.certId)).pinpad).toBe(true);
    await svc.login(cert!.tokenId, null);
    expect(calls).toEqual(['C_Login(1,pinpad)']);
    expect(checks((await svc.sign({ certId: cert!.certId, digest, hashAlgorithm: 'SHA-256' })).signature)).toBe(true);
  });

  it('alwaysAuthenticateKey_logsInContextSpecificBetweenSignInitAndSign', async () => {
    const { svc, calls } = make({ alwaysAuthenticate: true });
    const [cert] = await svc.listCertificates();
    await svc.login(cert!.tokenId, new TextEncoder().encode('1234'));
    expect((await svc.authState(cert!.certId)).alwaysAuthenticate).toBe(true);
    calls.length = 0;
    const sig = await svc.sign({ certId: cert!.certId, digest, hashAlgorithm: 'SHA-256' }, new TextEncoder().encode('1234'));
    expect(calls).toEqual(['C_SignInit', 'C_Login(2,pin)', 'C_Sign']);
    expect(checks(sig.signature)).toBe(true);
  });

  it('certificateWithDifferentCkaId_isPairedByModulusAfterLogin', async () => {
    const { svc } = make({ keyId: Buffer.from('bb', 'hex') });
    const [before] = await svc.listCertificates();
    expect(before!.hasPrivateKey).toBe(false); // no visible key, no public key object: unknown before login
    await svc.login(before!.tokenId, new TextEncoder().encode('1234'));
    const after = await svc.getCertificate(before!.certId);
    expect(after.hasPrivateKey).toBe(true);
    expect(checks((await svc.sign({ certId: after.certId, digest, hashAlgorithm: 'SHA-256' })).signature)).toBe(true);
  });

  it('privateKeyWithoutCkaId_isFoundByModulus', async () => {
    const { svc } = make({ keyId: Buffer.alloc(0), privateHidden: false });
    const [cert] = await svc.listCertificates();
    expect(cert!.hasPrivateKey).toBe(true);
    await svc.login(cert!.tokenId, new TextEncoder().encode('1234'));
    expect(checks((await svc.sign({ certId: cert!.certId, digest, hashAlgorithm: 'SHA-256' })).signature)).toBe(true);
  });

  it('removedMidSession_rejectsTokenRemoved_thenWorksAfterReinsertion', async () => {
    const { svc, state } = make();
    const [cert] = await svc.listCertificates();
    await svc.login(cert!.tokenId, new TextEncoder().encode('1234'));
    state.present = false;
    await expect(svc.sign({ certId: cert!.certId, digest, hashAlgorithm: 'SHA-256' })).rejects.toMatchObject({ reason: 'TOKEN_REMOVED' });
    expect(await svc.listTokens()).toEqual([]);
    await expect(svc.getCertificate(cert!.certId)).rejects.toMatchObject({ reason: 'CERTIFICATE_NOT_FOUND' });
    state.present = true;
    state.loggedIn = false; // a re-inserted token starts logged out
    state.sessions.clear();
    const [again] = await svc.listCertificates();
    expect(again!.certId).toBe(cert!.certId); // same token, same slot: same ids
    await svc.login(again!.tokenId, new TextEncoder().encode('1234'));
    expect(checks((await svc.sign({ certId: again!.certId, digest, hashAlgorithm: 'SHA-256' })).signature)).toBe(true);
  });

  it('refresh_reinitialisesModulesThatNeverReportedASlotEvent', async () => {
    const polling = make();
    await polling.svc.login((await polling.svc.listTokens())[0]!.tokenId, new TextEncoder().encode('1234'));
    expect((await polling.svc.refresh()).length).toBe(1);
    expect(polling.state.finalized).toBe(1);
    const [cert] = await polling.svc.listCertificates();
    expect((await polling.svc.authState(cert!.certId)).loginRequired).toBe(true); // re-init ends the login
    await polling.svc.close();
    const evented = make({ slotEvents: true }, 20);
    const off = evented.svc.onTokensChanged(() => undefined);
    await new Promise((r) => setTimeout(r, 80));
    await evented.svc.refresh();
    expect(evented.state.finalized).toBe(0);
    off();
  });

  it('watcher_emitsOnRemovalAndInsertion', async () => {
    const { svc, state } = make({}, 20);
    await svc.listTokens();
    const seen: number[] = [];
    const off = svc.onTokensChanged((t) => seen.push(t.length));
    await new Promise((r) => setTimeout(r, 60));
    state.present = false;
    await new Promise((r) => setTimeout(r, 100));
    state.present = true;
    state.sessions.clear();
    await new Promise((r) => setTimeout(r, 100));
    off();
    expect(seen).toEqual([0, 1]);
  });

  it('offThreadSigns_withDelayedOutOfOrderCompletions_neverOverlapCallsIntoTheModule_andKeepSignInitWithItsSign', async () => {
    const { probe, wrap } = overlapProbe([15, 1, 8, 0, 5, 2]);
    const { svc, calls } = make({}, undefined, { offThreadSigning: 'always', wrap });
    const [cert] = await svc.listCertificates();
    await svc.login(cert!.tokenId, new TextEncoder().encode('1234'));
    calls.length = 0;
    const inputs = Array.from({ length: 8 }, (_, i) => Buffer.from(`doc ${i}`));
    const req = (d: Buffer) => ({ certId: cert!.certId, digest: createHash('sha256').update(d).digest(), hashAlgorithm: 'SHA-256' as const });
    // Off-thread signatures, synchronous ones, status reads and a rescan all at once on the same module.
    const work = await Promise.all([
      ...inputs.slice(0, 6).map((d) => svc.signOffThread(req(d))),
      svc.sign(req(inputs[6]!)),
      svc.authState(cert!.certId),
      svc.listTokens(),
      svc.signOffThread(req(inputs[7]!)),
    ]);
    const sigs = [...work.slice(0, 7), work[9]] as { signature: Uint8Array }[];
    sigs.forEach((r, i) => expect(verify('sha256', inputs[i]!, createPublicKey(privateKey), r.signature)).toBe(true));
    expect(probe.asyncCalls).toBe(7);
    expect(probe.overlaps).toEqual([]);
    // Every C_SignInit is followed by its own C_Sign: no other signature started in between.
    const signSteps = calls.filter((c) => c === 'C_SignInit' || c === 'C_Sign');
    expect(signSteps).toEqual(Array.from({ length: 8 }, () => ['C_SignInit', 'C_Sign']).flat());
  });

  it('offThreadSign_failureIsMappedInsideTheQueue_andHooksRunThere', async () => {
    const { probe, wrap } = overlapProbe([5]);
    const { svc, state } = make({}, undefined, { offThreadSigning: 'always', wrap });
    const [cert] = await svc.listCertificates();
    await svc.login(cert!.tokenId, new TextEncoder().encode('1234'));
    const events: string[] = [];
    const req = { certId: cert!.certId, digest, hashAlgorithm: 'SHA-256' as const };
    const first = svc.signOffThread(req, undefined, {
      queued: () => events.push('queued'),
      onFailure: (e) => events.push(`failure ${e.reason} inside=${probe.inside}`),
    });
    state.present = false; // pulled while the first signature is on the worker thread
    const second = svc.signOffThread(req, undefined, { beforeToken: () => events.push('second beforeToken') });
    await expect(first).rejects.toMatchObject({ reason: 'TOKEN_REMOVED' });
    await expect(second).rejects.toMatchObject({ reason: 'TOKEN_REMOVED' });
    // The failure of the first was known before the second entered the module.
    expect(events).toEqual(['queued', 'failure TOKEN_REMOVED inside=0', 'second beforeToken']);
    expect(probe.overlaps).toEqual([]);
  });

  it('autoMode_staysSynchronousForAFastToken', async () => {
    const { probe, wrap } = overlapProbe([0]);
    const { svc } = make({}, undefined, { wrap });
    const [cert] = await svc.listCertificates();
    await svc.login(cert!.tokenId, new TextEncoder().encode('1234'));
    for (let i = 0; i < 3; i++) expect(checks((await svc.signOffThread({ certId: cert!.certId, digest, hashAlgorithm: 'SHA-256' })).signature)).toBe(true);
    expect(probe.asyncCalls).toBe(0);
  });
});
