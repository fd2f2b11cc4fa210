// One call into a token's module: run in the module's serial queue, PKCS#11 failures mapped to reasons inside it.
import { AgentError } from '../core/errors.js';
import type { PinStatus } from '../core/errors.js';
import type { Logger, SignHooks } from '../core/ports.js';
import { ckrCode, isTokenGone, toAgentError } from './ckr.js';
import type { Pkcs11Operation } from './ckr.js';
import * as C from './constants.js';
import { readFlagsQuietly, resetSession } from './token-state.js';
import type { TokenEntry } from './token-state.js';

/** Maps a PKCS#11 failure (call it inside the queue). Removal drops the session; PIN failures read the new PIN status. */
export function moduleFailure(t: TokenEntry, e: unknown, op: Pkcs11Operation): AgentError {
  if (e instanceof AgentError) return e;
  const code = ckrCode(e);
  if (isTokenGone(code) || code === C.CKR_KEY_HANDLE_INVALID || code === C.CKR_OBJECT_HANDLE_INVALID) {
    resetSession(t);
    return toAgentError(e, op);
  }
  if (code === C.CKR_USER_NOT_LOGGED_IN) t.loggedIn = false;
  let pinStatus: PinStatus | undefined;
  if (op === 'login' || op === 'contextLogin') pinStatus = readFlagsQuietly(t);
  return toAgentError(e, op, pinStatus);
}

/**
 * Runs a task on the token's module queue; PKCS#11 failures become AgentErrors (logged) and gone tokens lose their
 * session. The failure is mapped INSIDE the queue slot: mapping may close the session or read token flags, and with
 * an asynchronous C_Sign of another caller in flight on a worker thread, a call from outside the queue would enter
 * the module concurrently. `hooks` (sign.batch) run inside the slot too.
 */
export async function callModule<T>(t: TokenEntry, op: Pkcs11Operation, task: () => T | Promise<T>, logger: Logger, hooks?: SignHooks): Promise<T> {
  const fail = (e: unknown): never => {
    const err = moduleFailure(t, e, op);
    hooks?.onFailure?.(err);
    throw err;
  };
  try {
    const slot = t.module.queue.run(() => {
      let result: T | Promise<T>;
      try {
        hooks?.beforeToken?.();
        result = task();
      } catch (e) {
        return fail(e);
      }
      return result instanceof Promise ? result.catch(fail) : result;
    });
    hooks?.queued?.();
    return await slot;
  } catch (e) {
    const err = e instanceof AgentError ? e : toAgentError(e, op);
    logger.warn(`pkcs11.${op}.failed`, { tokenId: t.tokenId, reason: err.reason, detail: err.logDetail });
    throw err;
  }
}
