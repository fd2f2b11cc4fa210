// One signature on a token: mechanism and input, C_SignInit (+ context login), C_Sign in-thread or on a worker.
import { ecdsaRawToDer } from '../asn1/index.js';
import { AgentError } from '../core/errors.js';
import type { Logger, SignatureResult, SignDigestRequest, SignHooks } from '../core/ports.js';
import { ckrCode } from './ckr.js';
import * as C from './constants.js';
import type { LoginSessions } from './login-session.js';
import { signingInput } from './mechanisms.js';
import type { SignMechanism } from './mechanisms.js';
import { callModule, moduleFailure } from './module-call.js';
import { findObjects, readKeys, samePublicValue } from './token-objects.js';
import type { Pkcs11Api } from './pkcs11-api.js';
import { ensureSession } from './token-state.js';
import type { CertEntry } from './token-state.js';

/** 'auto' signs off-thread once a token's recent C_Sign calls average at least this long. */
export const OFF_THREAD_MIN_MS = 3;

/** Inputs of asynchronous C_Sign calls in flight: the native worker reads them by raw pointer. */
const inFlightInputs = new Set<Buffer>();

/** Signatures of one service's tokens. */
export class SignOperations {
  /** tokenId → moving average of its C_Sign duration in ms ('auto' off-thread decision). */
  private readonly signMs = new Map<string, number>();

  constructor(private readonly logins: LoginSessions, private readonly logger: Logger, private readonly offThreadMode: 'auto' | 'always' | 'never') {}

  /** Signs `request` with `c`'s key; `offThread`: C_Sign may run on a worker thread (see offThreadFor). */
  async sign(c: CertEntry, request: SignDigestRequest, contextPin: Uint8Array | null | undefined, offThread: boolean, hooks?: SignHooks): Promise<SignatureResult> {
    const kind = c.keyInfo.kind;
    if (!c.keyId) throw new AgentError('KEY_NOT_FOUND', 'Không tìm thấy khoá bí mật / Private key not found');
    const { mechanism, data, scheme } = signingInput(kind, request);
    const t = c.token;
    if (t.flags & C.CKF_LOGIN_REQUIRED && !t.loggedIn) {
      throw new AgentError('PIN_INCORRECT', 'Cần nhập mã PIN / PIN required', { pinStatus: t.token.pinStatus }, 'sign before login');
    }
    const task = offThread ? () => this.signNowOffThread(c, mechanism, data, contextPin) : () => this.signNow(c, mechanism, data, contextPin);
    const raw = await callModule(t, 'sign', task, this.logger, hooks);
    const signature = kind === 'EC' && request.ecdsaFormat !== 'raw' ? ecdsaRawToDer(raw) : raw;
    return { signature: new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength), scheme };
  }

  /** Runs inside the module queue: C_SignInit (+ context login) + C_Sign with the cached key handle. */
  private signNow(c: CertEntry, mechanism: SignMechanism, data: Buffer, contextPin: Uint8Array | null | undefined): Buffer {
    const session = this.beginSign(c, mechanism, contextPin);
    const started = performance.now();
    const out = c.token.module.api.C_Sign(session, data, Buffer.allocUnsafe(c.keyInfo.signatureLength));
    this.endSign(c, started);
    return out;
  }

  /** Whether this signature's C_Sign goes to a worker thread (see Pkcs11TokenServiceOptions.offThreadSigning). */
  private offThreadFor(c: CertEntry): boolean {
    if (typeof c.token.module.api.C_SignAsync !== 'function' || this.offThreadMode === 'never') return false;
    return this.offThreadMode === 'always' || (this.signMs.get(c.token.tokenId) ?? 0) >= OFF_THREAD_MIN_MS;
  }

  /**
   * Runs inside the module queue and holds it until the returned promise settles: C_SignInit (+ context login)
   * synchronously, then C_Sign on a worker thread. Modules without the asynchronous form sign synchronously.
   */
  private signNowOffThread(c: CertEntry, mechanism: SignMechanism, data: Buffer, contextPin: Uint8Array | null | undefined): Buffer | Promise<Buffer> {
    const api = c.token.module.api;
    if (!api.C_SignAsync || !this.offThreadFor(c)) return this.signNow(c, mechanism, data, contextPin);
    const session = this.beginSign(c, mechanism, contextPin);
    const started = performance.now();
    // The native worker keeps raw pointers into `data` and the output buffer (pkcs11js holds the latter): keep
    // `data` reachable until the driver is done with it.
    inFlightInputs.add(data);
    return api.C_SignAsync(session, data, Buffer.allocUnsafe(c.keyInfo.signatureLength)).then(
      (out) => {
        inFlightInputs.delete(data);
        this.endSign(c, started);
        return out;
      },
      (e: unknown) => {
        inFlightInputs.delete(data);
        throw e;
      },
    );
  }

  /** C_SignInit (+ context login): the synchronous steps before C_Sign, inside the module queue. Returns the session. */
  private beginSign(c: CertEntry, mechanism: SignMechanism, contextPin: Uint8Array | null | undefined): Buffer {
    const t = c.token;
    const api = t.module.api;
    const session = ensureSession(t);
    const key = c.keyHandle ?? findKeyHandle(c, session);
    try {
      api.C_SignInit(session, mechanism, key);
    } catch (e) {
      if (ckrCode(e) !== C.CKR_OPERATION_ACTIVE) throw e;
      // A previous C_Sign failed without terminating its operation (a driver bug, or a fault injected before the
      // real call): finish it with a throw-away C_Sign, then start ours. Not a PIN retry: no login is repeated.
      abandonSign(api, session, c);
      api.C_SignInit(session, mechanism, key);
    }
    if (c.alwaysAuthenticate) {
      try {
        if (contextPin === null || contextPin === undefined) api.C_Login(session, C.CKU_CONTEXT_SPECIFIC);
        else api.C_Login(session, C.CKU_CONTEXT_SPECIFIC, Buffer.from(contextPin.buffer, contextPin.byteOffset, contextPin.byteLength).toString('utf8'));
      } catch (e) {
        // A failed context login leaves the sign operation active: C_Sign fails and thereby terminates it.
        abandonSign(api, session, c);
        throw moduleFailure(t, e, 'contextLogin');
      }
    }
    return session;
  }

  /** After a successful C_Sign, still inside the queue: the timing average, then logout or idle timer. */
  private endSign(c: CertEntry, started: number): void {
    const ms = performance.now() - started;
    const id = c.token.tokenId;
    const avg = this.signMs.get(id);
    this.signMs.set(id, avg === undefined ? ms : avg * 0.8 + ms * 0.2);
    this.logins.signed(c.token);
  }
}

/** Ends an active sign operation whose result nobody wants (PKCS#11 has no cancel before v3.0). */
function abandonSign(api: Pkcs11Api, session: Buffer, c: CertEntry): void {
  try {
    api.C_Sign(session, Buffer.alloc(c.keyInfo.kind === 'EC' ? 32 : 51), Buffer.alloc(c.keyInfo.signatureLength));
  } catch {
    /* expected: the operation is over either way */
  }
}

function findKeyHandle(c: CertEntry, session: Buffer): Buffer {
  const api = c.token.module.api;
  const keyId = c.keyId as Buffer;
  const h = keyId.length === 0
    ? readKeys(api, session, C.CKO_PRIVATE_KEY).find((k) => samePublicValue(k.publicValue, c.keyInfo.publicValue))?.handle
    : findObjects(api, session, [{ type: C.CKA_CLASS, value: C.CKO_PRIVATE_KEY }, { type: C.CKA_ID, value: keyId }])[0];
  if (!h) throw new AgentError('KEY_NOT_FOUND', 'Không tìm thấy khoá bí mật / Private key not found', {}, 'no private key object with the certificate CKA_ID');
  c.keyHandle = h;
  return h;
}
