// Test-only wrapper around a PKCS11 object that makes chosen calls fail with chosen CKR codes (never used by the CLI).
import type { Pkcs11Api, Pkcs11Factory, Pkcs11Function } from './pkcs11-api.js';

/** Shaped like pkcs11js' Pkcs11Error (name + numeric code), which is all the CKR map reads. */
export class InjectedPkcs11Error extends Error {
  override readonly name = 'Pkcs11Error';
  readonly code: number;
  readonly method: string;
  constructor(code: number, method: string) {
    super(`CKR_INJECTED:${code}`);
    this.code = code;
    this.method = method;
  }
}

export interface FaultRule {
  fn: Pkcs11Function;
  /** CKR code the call fails with. */
  code: number;
  /** Fail on the n-th call of `fn` counted from when the rule was added (1 = the next call). Default 1. */
  nth?: number;
  /** How many consecutive calls fail from then on. Default 1. */
  times?: number;
  /** Also OR these CK_TOKEN_INFO flags into every later C_GetTokenInfo (e.g. CKF_USER_PIN_FINAL_TRY after a wrong PIN). */
  thenTokenFlags?: number;
}

interface ActiveRule extends Required<Omit<FaultRule, 'thenTokenFlags'>> {
  thenTokenFlags: number;
  seen: number;
  fired: number;
}

/**
 * Counts every call per function and injects failures. One injector can wrap several PKCS11 objects (one per
 * module); the counts are shared, which is what the tests want ("C_Login was called exactly once").
 */
export class FaultInjector {
  private readonly rules: ActiveRule[] = [];
  private readonly counts = new Map<string, number>();
  private extraTokenFlags = 0;
  /** Only calls into modules whose path matches (undefined: all modules). */
  modulePath: string | undefined;

  /** Calls of a function so far (successful or not). C_Sign includes C_SignAsync calls, which also count on their own. */
  calls(fn: Pkcs11Function): number {
    return this.counts.get(fn) ?? 0;
  }

  resetCounts(): void {
    this.counts.clear();
  }

  inject(rule: FaultRule): this {
    this.rules.push({ nth: 1, times: 1, thenTokenFlags: 0, ...rule, seen: 0, fired: 0 });
    return this;
  }

  /** Flags ORed into C_GetTokenInfo results from now on (simulates count-low / final-try / locked). */
  setTokenFlags(flags: number): this {
    this.extraTokenFlags = flags;
    return this;
  }

  clear(): void {
    this.rules.length = 0;
    this.extraTokenFlags = 0;
  }

  /** Wraps a factory so every PKCS11 object it makes goes through this injector. */
  factory(inner: Pkcs11Factory): Pkcs11Factory {
    return () => this.wrap(inner());
  }

  wrap(target: Pkcs11Api): Pkcs11Api {
    let libPath = '';
    return new Proxy(target, {
      get: (obj, prop, receiver) => {
        const value: unknown = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        const fn = prop as Pkcs11Function;
        // The asynchronous forms count (and fail) as the call they run: a rule on C_Sign fires on C_SignAsync too.
        const names = ASYNC_FORMS[fn] ? [ASYNC_FORMS[fn], fn] : [fn];
        return (...args: unknown[]): unknown => {
          if (fn === 'load') libPath = String(args[0]);
          const applies = this.modulePath === undefined || this.modulePath === libPath;
          if (applies) {
            for (const n of names) this.counts.set(n, (this.counts.get(n) ?? 0) + 1);
            const injected = this.maybeFail(names);
            if (injected) {
              // Delivered the way the real call reports errors: a rejected promise, the callback, or a throw.
              if (ASYNC_FORMS[fn]) return new Promise((_, reject) => setImmediate(() => reject(injected)));
              const cb = args[args.length - 1];
              if (typeof cb === 'function') {
                setImmediate(() => (cb as (e: Error, d: null) => void)(injected, null));
                return undefined;
              }
              throw injected;
            }
          }
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(obj, args);
          if (applies && fn === 'C_GetTokenInfo' && this.extraTokenFlags !== 0 && typeof result === 'object' && result !== null) {
            const info = result as { flags: number };
            return { ...info, flags: info.flags | this.extraTokenFlags };
          }
          return result;
        };
      },
    });
  }

  private maybeFail(names: Pkcs11Function[]): InjectedPkcs11Error | undefined {
    for (const r of this.rules) {
      if (!names.includes(r.fn) || r.fired >= r.times) continue;
      r.seen++;
      if (r.seen < r.nth) continue;
      r.fired++;
      if (r.thenTokenFlags) this.extraTokenFlags |= r.thenTokenFlags;
      return new InjectedPkcs11Error(r.code, names[names.length - 1]!);
    }
    return undefined;
  }
}

/** Promise-returning forms → the synchronous call they stand for. */
const ASYNC_FORMS: Partial<Record<Pkcs11Function, Pkcs11Function>> = { C_SignAsync: 'C_Sign' };
