// A tiny JSON-RPC client over the core Dispatcher: the compat layer speaks to the agent exactly as a portal would.
import type { ConnectionContext, Dispatcher, Reason } from '../../core/index.js';
import { parseAnswer, stringifySliced } from '../../core/protocol/json.js';

/** A JSON-RPC error returned by the dispatcher, kept with its stable reason. */
export class RpcFailure extends Error {
  constructor(readonly reason: Reason, message: string, readonly detail?: string) {
    super(message);
    this.name = 'RpcFailure';
  }
}

interface RpcReply {
  result?: unknown;
  error?: { message?: string; data?: { reason?: Reason; detail?: string } };
}

export type RpcCall = <T>(method: string, params?: Record<string, unknown>) => Promise<T>;

/**
 * Binds a dispatcher to one connection. Every call goes through the same origin policy, limits and dialogs. A
 * document in the request or the answer is written and read in slices, as a portal's would be (docs/security.md T22).
 */
export function rpcClient(dispatcher: Dispatcher, ctx: ConnectionContext): RpcCall {
  let nextId = 1;
  return async <T>(method: string, params: Record<string, unknown> = {}): Promise<T> => {
    const raw = await dispatcher.handle(await stringifySliced({ jsonrpc: '2.0', id: nextId++, method, params }), ctx);
    if (raw === null) throw new RpcFailure('INTERNAL', 'no reply');
    // A large answer (pieces) is read back without being joined (docs/security.md T22).
    const parsed = await parseAnswer(raw);
    if (!parsed.ok) throw new RpcFailure('INTERNAL', 'unreadable reply');
    const reply = parsed.value as RpcReply;
    if (reply.error) throw new RpcFailure(reply.error.data?.reason ?? 'INTERNAL', reply.error.message ?? 'error', reply.error.data?.detail);
    return reply.result as T;
  };
}
