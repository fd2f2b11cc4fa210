// session.requestAccess: asks the user whether this origin may use the tokens (skipped when already approved).
import { AgentError } from '../errors.js';
import type { Call } from './command.js';

/** The refusal every non-pairable origin gets, byte-identical (T4). */
export function originNotAllowed(): AgentError {
  return new AgentError('ORIGIN_NOT_ALLOWED', 'This site is not allowed to use the signing agent');
}

export async function requestAccessCommand(_params: Record<string, never>, call: Call): Promise<{ granted: true }> {
  const { access, prompt, limiter } = call.deps;
  const cls = access.classify(call.origin, call.connection);
  if (cls === 'approved') return { granted: true };
  if (cls !== 'pairable') throw originNotAllowed();
  // One access prompt at a time across all origins (T6, docs/security.md): the others get BUSY.
  const decision = await limiter.withAccessPrompt(call.origin, async () => {
    try {
      return await prompt.requestAccess(call.promptContext);
    } finally {
      prompt.finish(call.promptContext);
    }
  });
  switch (decision) {
    case 'allowOnce':
      access.approveOnce(call.connection);
      return { granted: true };
    case 'allowAlways':
      await access.approveAlways(call.origin);
      return { granted: true };
    case 'block':
      await access.block(call.origin);
      throw originNotAllowed();
    default:
      throw new AgentError('ACCESS_DENIED', 'The user did not allow this site');
  }
}
