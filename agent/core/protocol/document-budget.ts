// One memory budget for the documents all sign.* (and other document) calls hold at once (docs/security.md T23): each
// approved origin has one operation slot, but many approved origins (or subdomains of one) could otherwise parse
// several 64 MiB documents side by side. A call claims its decoded bytes × its format's working factor after its
// params are decoded and before any parsing; no room → BUSY (retriable). docs/security.md has the budget.
import { AgentError } from '../errors.js';
import { MAX_DOCUMENT_WORK_BYTES } from './limits.js';

/**
 * Peak working memory per decoded document byte, by method (input, decoded text or tree, output copy). A method
 * that carries documents and is not listed here gets DEFAULT_FACTOR: new formats are budgeted by default and may
 * add their own measured factor.
 */
export const DOCUMENT_MEMORY_FACTOR: Readonly<Record<string, number>> = {
  'sign.cms': 3,
  'sign.pdf': 4,
  // UTF-16 text (up to 2×) plus the node tree (bounded by the parser's node cap) plus the output.
  'sign.xml': 5,
  'sign.batch': 5,
};
export const DEFAULT_FACTOR = 5;

/** Decoded bytes (Uint8Array values) anywhere in decoded params, a few levels deep (batch items, options). */
export function documentBytes(value: unknown, depth = 0): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (depth > 6 || typeof value !== 'object' || value === null) return 0;
  let sum = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) sum += documentBytes(v, depth + 1);
  return sum;
}

export class DocumentBudget {
  private used = 0;

  constructor(readonly capacity: number = MAX_DOCUMENT_WORK_BYTES) {}

  /** Runs `work` holding `bytes` of the budget; BUSY when they do not fit next to the calls already running. */
  async hold<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    if (bytes === 0) return work();
    if (this.used + bytes > this.capacity) {
      throw new AgentError('BUSY', 'The agent is working on other large documents; try again shortly', { detail: 'document memory budget' });
    }
    this.used += bytes;
    try {
      return await work();
    } finally {
      this.used -= bytes;
    }
  }

  inUse(): number {
    return this.used;
  }
}

/** The claim for one call: its decoded bytes × its method's factor. */
export function documentClaim(method: string, params: unknown): number {
  return documentBytes(params) * (DOCUMENT_MEMORY_FACTOR[method] ?? DEFAULT_FACTOR);
}
