// The UserPrompt of an agent with no dialog host: every question is answered USER_CANCELLED, and logged.
import { AgentError, type Logger, type UserPrompt } from '../core/index.js';

/**
 * Used when no UI (Electron or browser-hosted dialogs) is available. It never approves anything: a headless
 * agent without dialogs cannot sign. The scripted test prompt is injected only by tests via `startAgent`.
 */
export function noUiPrompt(logger: Logger): UserPrompt {
  const refuse = (what: string, origin: string): never => {
    logger.warn('prompt.no-ui', { what, origin, detail: 'no UI available' });
    throw new AgentError('USER_CANCELLED', 'No UI available to ask the user');
  };
  return {
    requestAccess: async (ctx) => refuse('requestAccess', ctx.origin),
    chooseCertificate: async (ctx) => refuse('chooseCertificate', ctx.origin),
    confirmSigning: async (ctx) => refuse('confirmSigning', ctx.origin),
    progress: () => undefined,
    finish: () => undefined,
  };
}
