// tokens.list and tokens.refresh.
import type { Token } from '../types.js';
import type { Call } from './command.js';

export async function tokensListCommand(_params: Record<string, never>, call: Call): Promise<{ tokens: Token[] }> {
  return { tokens: await call.deps.tokens.listTokens() };
}

export async function tokensRefreshCommand(_params: Record<string, never>, call: Call): Promise<{ tokens: Token[] }> {
  return { tokens: await call.deps.tokens.refresh() };
}
