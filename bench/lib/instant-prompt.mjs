// A UserPrompt double for benchmarks: a "user" who approves at once with synchronously resolved promises.
// The shipped agent never sees it (startAgent's `prompt` option is for tests and benchmarks only). It exists so
// the rpc benchmarks time the agent, not the test double: ScriptedPrompt clones every request, records it and
// answers from a queued microtask with abort listeners, which costs more per call than some targets allow.
import { AgentError } from '../../dist/agent/core/errors.js';

export const INSTANT_PROMPT_NOTE =
  'prompt: bench/lib/instant-prompt.mjs (approves with synchronously resolved promises, types the PIN when asked); ' +
  'pass --prompt scripted to time the same run with agent/core/testing/scripted-prompt';

export class InstantPrompt {
  constructor(pin) {
    this.pinBytes = new TextEncoder().encode(pin);
    this.calls = { requestAccess: 0, confirmSigning: 0, progress: 0 };
  }
  requestAccess(ctx) {
    this.calls.requestAccess++;
    return ctx.signal.aborted ? Promise.reject(cancelled()) : Promise.resolve('allowAlways');
  }
  chooseCertificate(ctx, certificates) {
    return ctx.signal.aborted ? Promise.reject(cancelled()) : Promise.resolve(certificates[0] ?? null);
  }
  confirmSigning(ctx, request) {
    this.calls.confirmSigning++;
    if (ctx.signal.aborted) return Promise.reject(cancelled());
    // A fresh buffer each time: the agent zeroes the one it is given.
    if (request.pin.required && !request.pin.pinpad) return Promise.resolve({ approved: true, pin: this.pinBytes.slice() });
    return Promise.resolve({ approved: true });
  }
  progress() {
    this.calls.progress++;
  }
  finish() {}
}

function cancelled() {
  return new AgentError('USER_CANCELLED', 'The dialog was closed');
}
