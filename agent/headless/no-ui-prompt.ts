// The UserPrompt of an agent with no dialog host: every question is answered UI_UNAVAILABLE at once, and logged.
import { AgentError, UI_UNAVAILABLE_MESSAGE, type Logger, type UserPrompt } from '../core/index.js';

/**
 * Used when no UI (Electron or browser-hosted dialogs) is available. It never approves anything: a headless
 * agent without dialogs cannot sign. The scripted test prompt is injected only by tests via `startAgent`.
 */
export function noUiPrompt(logger: Logger): UserPrompt {
  const refuse = (what: string, origin: string): never => {
    logger.warn('prompt.no-ui', { what, origin, detail: 'no UI available' });
    throw new AgentError('UI_UNAVAILABLE', UI_UNAVAILABLE_MESSAGE);
  };
  return {
    requestAccess: async (ctx) => refuse('requestAccess', ctx.origin),
    chooseCertificate: async (ctx) => refuse('chooseCertificate', ctx.origin),
    confirmSigning: async (ctx) => refuse('confirmSigning', ctx.origin),
    progress: () => undefined,
    finish: () => undefined,
  };
}
