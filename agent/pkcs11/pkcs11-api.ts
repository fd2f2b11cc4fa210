// The slice of the pkcs11js PKCS11 object the token layer calls, and the factory that makes real ones.
import { createRequire } from 'node:module';
import type { PKCS11 } from 'pkcs11js';
import type * as Pkcs11js from 'pkcs11js';

/** The pkcs11js calls we use. The fault-injecting wrapper and unit-test fakes implement exactly this. */
export type Pkcs11Api = Pick<
  PKCS11,
  | 'load' | 'close' | 'C_Initialize' | 'C_Finalize' | 'C_GetInfo' | 'C_GetSlotList' | 'C_GetSlotInfo' | 'C_GetTokenInfo'
  | 'C_OpenSession' | 'C_CloseSession' | 'C_GetSessionInfo' | 'C_Login' | 'C_Logout'
  | 'C_FindObjectsInit' | 'C_FindObjects' | 'C_FindObjectsFinal' | 'C_GetAttributeValue'
  | 'C_SignInit' | 'C_Sign' | 'C_WaitForSlotEvent'
> &
  /**
   * C_Sign on a libuv worker thread (pkcs11js promisifies its callback form). Optional: fakes may leave it out and
   * the token layer then signs synchronously. The caller must hold the module queue until it settles.
   */
  Partial<Pick<PKCS11, 'C_SignAsync'>>;

/** Names of the calls in {@link Pkcs11Api}. */
export type Pkcs11Function = keyof Pkcs11Api;

/** Makes one fresh, unloaded PKCS11 object per module. Tests pass a factory that wraps it. */
export type Pkcs11Factory = () => Pkcs11Api;

type Pkcs11Module = typeof Pkcs11js;
let cached: Pkcs11Module | undefined;

/**
 * pkcs11js is CommonJS whose exports Node cannot see statically, so ESM named imports do not work: require it.
 * Loaded lazily so that discovery and unit tests never touch the native addon.
 */
export function loadPkcs11js(): Pkcs11Module {
  cached ??= createRequire(import.meta.url)('pkcs11js') as Pkcs11Module;
  return cached;
}

/** The production factory: a real pkcs11js PKCS11 object. */
export const defaultPkcs11Factory: Pkcs11Factory = () => new (loadPkcs11js().PKCS11)();
