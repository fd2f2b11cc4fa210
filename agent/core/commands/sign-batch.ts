// sign.batch: many items, ONE confirmation and at most one PIN, progress after each item, per-item results.
import { AgentError, isAgentError, toWireError, type Reason, type WireError } from '../errors.js';
import type { BatchItem, SignBatchParams } from '../protocol/schemas.js';
import { runSigning, usableCertificate } from '../signing-flow.js';
import type { OriginSlot } from '../policy/limits.js';
import type { SignSubject } from '../types.js';
import type { Call } from './command.js';
import { inOriginSlot, type PreparedSign } from './prepared.js';
import { prepareCms } from './sign-cms.js';
import { prepareHash } from './sign-hash.js';
import { preparePdf } from './sign-pdf.js';
import { prepareXml } from './sign-xml.js';

export type BatchItemResult = { ok: true; result: unknown } | { ok: false; error: WireError };

/**
 * After one of these the remaining items are not attempted (they get the same error): the token is gone, the
 * PIN is locked, a context PIN was wrong (trying again per item would burn the retry counter), or the caller left.
 */
const STOPPING: ReadonlySet<Reason> = new Set<Reason>(['TOKEN_REMOVED', 'TOKEN_NOT_PRESENT', 'PIN_LOCKED', 'PIN_INCORRECT', 'USER_CANCELLED']);

function prepareItem(item: BatchItem, call: Call): Promise<PreparedSign> {
  switch (item.kind) {
    case 'hash': return prepareHash(item.params, call);
    case 'cms': return prepareCms(item.params, call);
    case 'pdf': return preparePdf(item.params, call);
    case 'xml': return prepareXml(item.params, call);
  }
}

/** Prefixes an item's error detail with its index, so the caller knows which item was refused. */
function atItem(index: number, e: unknown): unknown {
  if (!isAgentError(e)) return e;
  const detail = e.data.detail?.replace(/^params\./, `params.items.${index}.params.`) ?? `items[${index}]`;
  return new AgentError(e.reason, e.message, { ...e.data, detail: detail.startsWith('params.') ? detail : `items[${index}]: ${detail}` }, e.logDetail);
}

export async function signBatchCommand(params: SignBatchParams, call: Call): Promise<{ results: BatchItemResult[] }> {
  return inOriginSlot(call, (slot) => signBatchInSlot(params, call, slot));
}

/** The subject of one prepared item as the batch dialog lists it (every prepared item is a hash or a document). */
function itemSubject(p: PreparedSign): Exclude<SignSubject, { kind: 'batch' }> {
  if (p.subject.kind === 'batch') throw new AgentError('INTERNAL', 'Internal error', {}, 'a batch item described itself as a batch');
  return p.subject;
}

async function signBatchInSlot(params: SignBatchParams, call: Call, slot: OriginSlot): Promise<{ results: BatchItemResult[] }> {
  // Every item is checked and every document parsed before the one dialog: the user confirms exactly this set,
  // and the dialog lists each item (file name, size, SHA-256; or the hash, marked as one) — review M1.
  const prepared: PreparedSign[] = [];
  for (const [i, item] of params.items.entries()) {
    try {
      prepared.push(await prepareItem(item, call));
    } catch (e) {
      throw atItem(i, e);
    }
  }
  const cert = await usableCertificate(call, params.certId);
  const kinds = [...new Set(prepared.map((p) => p.kind))];
  const subject: SignSubject = { kind: 'batch', label: params.label, count: prepared.length, kinds, items: prepared.map(itemSubject) };
  const { prompt, logger } = call.deps;
  return runSigning(call, cert, subject, async (key) => {
    const results: BatchItemResult[] = [];
    let stop: WireError | undefined;
    for (const [i, item] of prepared.entries()) {
      if (stop) {
        results.push({ ok: false, error: stop });
        continue;
      }
      try {
        results.push({ ok: true, result: await item.execute(key) });
      } catch (e) {
        if (!isAgentError(e)) logger.error('batch.item-internal', { index: i, detail: e instanceof Error ? e.message : String(e) });
        const error = toWireError(e);
        results.push({ ok: false, error });
        if (STOPPING.has(error.data.reason)) stop = error;
      }
      prompt.progress(call.promptContext, i + 1, prepared.length);
    }
    return { results };
  }, slot);
}
