// sign.batch: many items, ONE confirmation and at most one PIN, progress after each item, per-item results.
import { AgentError, isAgentError, toWireError, type Reason, type WireError } from '../errors.js';
import type { BatchItem, SignBatchParams } from '../protocol/schemas.js';
import type { DigestSigner, SignatureResult, SignDigestRequest, SignHooks } from '../ports.js';
import { runSigning, usableCertificate } from '../signing/flow.js';
import type { PlannedSign, SignFormat } from '../signing/format.js';
import { SIGN_FORMATS } from '../signing/formats/index.js';
import { digestSignOver, type ApprovedKey } from '../signing/key.js';
import { TurnKeeper } from '../protocol/slices.js';
import type { SignSubject } from '../types.js';
import type { Call } from './command.js';

export type BatchItemResult = { ok: true; result: unknown } | { ok: false; error: WireError };

/**
 * After one of these the remaining items are not attempted (they get the same error): the token is gone, the
 * PIN is locked, a context PIN was wrong (trying again per item would burn the retry counter), or the caller left.
 */
const STOPPING: ReadonlySet<Reason> = new Set<Reason>(['TOKEN_REMOVED', 'TOKEN_NOT_PRESENT', 'PIN_LOCKED', 'PIN_INCORRECT', 'USER_CANCELLED']);

/** Describes one item with its format's entry of the format table (the same code as its own sign.<format>). */
function describeItem(item: BatchItem, call: Call): Promise<PlannedSign> {
  const format = SIGN_FORMATS[item.kind] as SignFormat<typeof item.kind>;
  return format(item.params as never, call);
}

/** Prefixes an item's error detail with its index, so the caller knows which item was refused. */
function atItem(index: number, e: unknown): unknown {
  if (!isAgentError(e)) return e;
  const detail = e.data.detail?.replace(/^params\./, `params.items.${index}.params.`) ?? `items[${index}]`;
  return new AgentError(e.reason, e.message, { ...e.data, detail: detail.startsWith('params.') ? detail : `items[${index}]: ${detail}` }, e.logDetail);
}

export async function signBatchCommand(params: SignBatchParams, call: Call): Promise<{ results: BatchItemResult[] }> {
  // Every item is checked and every document parsed before the one dialog: the user confirms exactly this set,
  // and the dialog lists each item (file name, size, SHA-256; or the hash, marked as one).
  const prepared: PlannedSign[] = [];
  const turns = new TurnKeeper();
  for (const [i, item] of params.items.entries()) {
    await turns.pace();
    try {
      prepared.push(await describeItem(item, call));
    } catch (e) {
      throw atItem(i, e);
    }
  }
  const cert = await usableCertificate(call, params.certId);
  const kinds = [...new Set(prepared.map((p) => p.kind))];
  const subject: SignSubject = { kind: 'batch', label: params.label, count: prepared.length, kinds, items: prepared.map((p) => p.subject) };
  // Each PDF item with a visible stamp is rendered by the dialog on demand (docs/security.md T24): the bytes it
  // already holds for signing, by item index, handed over only while the dialog asks.
  const previews = prepared.map((p) => p.preview?.pdf);
  const preview = previews.some((b) => b !== undefined) ? { preview: { items: previews } } : {};
  return runSigning(call, cert, subject, (key) => signItems(prepared, key, call), { offThread: true, ...preview });
}

/** Items in flight at once: one signing on the token while the next one's document work runs on the event loop. */
const DEPTH = 2;

/** The first item (lowest index) that failed with a STOPPING reason, and its error. */
interface Stop {
  index: number;
  error: WireError;
}

/**
 * Signs the approved items with up to {@link DEPTH} in flight, with exactly the semantics of one-by-one signing:
 * - token signatures happen in item order, one at a time: an item's signature waits until the previous item's
 *   signature has settled (or the previous item finished without one);
 * - after a STOPPING failure no later item touches the token (a wrong context PIN is never tried again), and
 *   every later item reports that same error, even one whose document work had already started;
 * - results and progress come in item order, progress after each item; nothing is in flight when this returns
 *   (the login hold of the operation, and the PIN, outlive every signature).
 */
async function signItems(prepared: PlannedSign[], key: ApprovedKey, call: Call): Promise<{ results: BatchItemResult[] }> {
  const { prompt, logger } = call.deps;
  const total = prepared.length;
  const results: BatchItemResult[] = new Array<BatchItemResult>(total);
  let stop: Stop | undefined;
  const noteStop = (index: number, error: WireError): void => {
    if (STOPPING.has(error.data.reason) && (!stop || index < stop.index)) stop = { index, error };
  };
  const stoppedBefore = (index: number): boolean => stop !== undefined && stop.index < index;

  let previousTurn: Promise<void> = Promise.resolve();
  const start = (i: number): Promise<void> => {
    let passTurn!: () => void;
    const myTurn = previousTurn;
    previousTurn = new Promise<void>((resolve) => (passTurn = resolve));
    const checkStop = (): void => {
      if (stoppedBefore(i)) throw new AgentError(stop!.error.data.reason, stop!.error.message, {}, 'batch stopped by an earlier item');
    };
    const itemKey = turnTakingKey(key, myTurn, {
      beforeToken: checkStop,
      onFailure: (e) => noteStop(i, toWireError(e)),
      queued: passTurn,
    }, checkStop, passTurn);
    return prepared[i]!.sign(itemKey).then(
      (result) => {
        results[i] = { ok: true, result };
      },
      (e: unknown) => {
        if (!isAgentError(e)) logger.error('batch.item-internal', { index: i, detail: e instanceof Error ? e.message : String(e) });
        const error = toWireError(e);
        results[i] = { ok: false, error };
        noteStop(i, error);
      },
    ).finally(passTurn);
  };

  const running: Promise<void>[] = [];
  // A token that signs in a millisecond answers at once: 500 items would otherwise be one long turn.
  const turns = new TurnKeeper();
  try {
    for (let i = 0; i < total; i++) {
      await turns.pace();
      while (running.length < Math.min(total, i + DEPTH) && !stop) {
        const item = start(running.length);
        // Awaited below in order; until then a rejection (a throwing logger) must not be an unhandled one.
        item.catch(() => undefined);
        running.push(item);
      }
      if (i < running.length) await running[i];
      if (stoppedBefore(i) || results[i] === undefined) results[i] = { ok: false, error: stop!.error };
      prompt.progress(call.promptContext, i + 1, total);
    }
  } finally {
    // Only reached early if the host's progress threw: still never leave a signature running behind the caller.
    await Promise.allSettled(running);
  }
  return { results };
}

/**
 * The approved key as one batch item sees it. A signature waits for `turn` (the previous item's signature has
 * its place in the module queue, or has settled), checks `checkStop`, and passes `hooks` down: where the token
 * layer supports them, the stop check and the failure report run inside the module queue and the turn passes as
 * soon as this signature is queued, so the next one follows it without a gap; elsewhere the turn passes when this
 * signature settles and the failure is reported then, which gives the same guarantees one signature at a time.
 */
function turnTakingKey(key: ApprovedKey, turn: Promise<void>, hooks: Required<SignHooks>, checkStop: () => void, passTurn: () => void): ApprovedKey {
  const inTurn = async (request: Omit<SignDigestRequest, 'certId'>): Promise<SignatureResult> => {
    try {
      await turn;
      checkStop();
      return await key.signDigest(request, hooks);
    } catch (e) {
      if (isAgentError(e)) hooks.onFailure(e);
      else hooks.onFailure(new AgentError('INTERNAL', 'Internal error'));
      throw e;
    } finally {
      passTurn();
    }
  };
  return approvedKeyOver(key, inTurn);
}

/** `key` with its signatures going through `signDigest` (its chain reused). */
function approvedKeyOver(key: ApprovedKey, signDigest: ApprovedKey['signDigest']): ApprovedKey {
  let signer: Promise<DigestSigner> | undefined;
  return {
    certificate: key.certificate,
    signDigest,
    digestSigner() {
      signer ??= key.digestSigner().then((base) => ({ certificate: base.certificate, chain: base.chain, sign: digestSignOver(signDigest) }));
      return signer;
    },
  };
}
