// Hands the work describeXml did on a document (parse, profile, reference digest) to the signXml that follows on
// the same input buffer, so a document is parsed once. Keeps a compact plan, not the tree: retaining a batch of
// trees (~20× their input) cost more in garbage collection than the second parse it saved.
import type { SignPlan } from './sign.js';

/** Inputs larger than this are planned again at signing rather than kept through the dialog. */
export const MEMO_MAX_DOCUMENT = 2 * 1024 * 1024;
/** Input bytes whose plans may be kept at once (a 1,000-invoice batch is ~5 MiB); beyond it, plan again. */
export const MEMO_BUDGET = 16 * 1024 * 1024;

interface Memo {
  plan: SignPlan;
  /** The bytes that were planned: a buffer changed after describeXml is planned again, never signed from the old plan. */
  copy: Uint8Array;
  size: number;
}

// Keyed by the buffer object the core passes to both calls; an entry dies with its buffer (a declined dialog).
const memo = new WeakMap<Uint8Array, Memo>();
let kept = 0;
const released = new FinalizationRegistry<number>((size) => {
  kept -= size;
});

/** Keeps `plan` (made from `xml` as it is now) for one later takePlan(xml), within the budget. */
export function keepPlan(xml: Uint8Array, plan: SignPlan): void {
  if (xml.length > MEMO_MAX_DOCUMENT || kept + xml.length > MEMO_BUDGET || memo.has(xml)) return;
  const entry: Memo = { plan, copy: xml.slice(), size: xml.length };
  memo.set(xml, entry);
  kept += entry.size;
  released.register(xml, entry.size, entry);
}

/** The plan kept for these same bytes and option values (`key`, see planKey), else null; once: signing uses it up. */
export function takePlan(xml: Uint8Array, key: string): SignPlan | null {
  const entry = memo.get(xml);
  if (!entry) return null;
  memo.delete(xml);
  released.unregister(entry);
  kept -= entry.size;
  const same = entry.copy.length === xml.length && Buffer.compare(entry.copy, xml) === 0 && entry.plan.key === key;
  return same ? entry.plan : null;
}

/** Input bytes whose plans are currently kept (for tests). */
export function keptBytes(): number {
  return kept;
}
