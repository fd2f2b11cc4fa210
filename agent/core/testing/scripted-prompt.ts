// A UserPrompt test double: a "fake user" that approves, denies, picks, types a PIN or cancels on cue.
// For tests and benchmarks only: no CLI flag or environment variable ever wires it into the shipped agent.
import { AgentError } from '../errors.js';
import type { AccessDecision, ConfirmRequest, ConfirmResult, PickerOptions, PromptContext, UserPrompt } from '../ports.js';
import type { Cert } from '../types.js';

/**
 * 'hang': never answers (until the connection aborts); 'timeout': rejects USER_TIMEOUT.
 * 'approve': clicks OK, typing the script's `pin` when the dialog asks for one; 'approveEmpty': OK with an empty
 * PIN field; `{pin}`: OK with that PIN typed.
 */
export type AccessAnswer = AccessDecision | 'hang' | 'timeout';
export type ConfirmAnswer = 'approve' | 'approveEmpty' | 'cancel' | 'hang' | 'timeout' | { pin: string };
export type ChooseAnswer = 'first' | 'cancel' | 'hang' | 'timeout' | number | ((certs: Cert[]) => Cert | null);

export interface PromptScript {
  access?: AccessAnswer | AccessAnswer[];
  confirm?: ConfirmAnswer | ConfirmAnswer[];
  choose?: ChooseAnswer | ChooseAnswer[];
  /** The PIN 'approve' types when asked (default "1234", the FakeTokenService default). */
  pin?: string;
  /** Milliseconds the fake user "thinks" before each answer (real timers). */
  delayMs?: number;
}

/** Answers consumed in order; the last one repeats forever. */
class Answers<T> {
  private readonly queue: T[];
  constructor(initial: T | T[] | undefined, fallback: T) {
    this.queue = initial === undefined ? [fallback] : Array.isArray(initial) ? [...initial] : [initial];
    if (this.queue.length === 0) this.queue.push(fallback);
  }
  next(): T {
    return this.queue.length > 1 ? this.queue.shift()! : this.queue[0]!;
  }
  push(...answers: T[]): void {
    this.queue.push(...answers);
  }
  replace(...answers: T[]): void {
    this.queue.splice(0, this.queue.length, ...answers);
  }
}

const cancelled = () => new AgentError('USER_CANCELLED', 'The dialog was closed');

export class ScriptedPrompt implements UserPrompt {
  readonly calls = { requestAccess: 0, chooseCertificate: 0, confirmSigning: 0, progress: 0, finish: 0 };
  /** Snapshots of every confirmation shown (PIN requests included), in order. */
  readonly confirmRequests: ConfirmRequest[] = [];
  readonly chooseRequests: { certificates: Cert[]; options: PickerOptions }[] = [];
  readonly progressEvents: [done: number, total: number][] = [];
  readonly contexts: PromptContext[] = [];
  /** Every PIN buffer handed to the agent, so tests can check it was zeroed. */
  readonly pinBuffers: Uint8Array[] = [];
  /** Dialogs currently open (entered and not yet answered). */
  open = 0;

  private readonly access: Answers<AccessAnswer>;
  private readonly confirm: Answers<ConfirmAnswer>;
  private readonly choose: Answers<ChooseAnswer>;
  private readonly delayMs: number;
  private readonly pin: string;

  constructor(script: PromptScript = {}) {
    this.access = new Answers<AccessAnswer>(script.access, 'allowAlways');
    this.confirm = new Answers<ConfirmAnswer>(script.confirm, 'approve');
    this.choose = new Answers<ChooseAnswer>(script.choose, 'first');
    this.delayMs = script.delayMs ?? 0;
    this.pin = script.pin ?? '1234';
  }

  /** Replace what the fake user will answer next. */
  script(script: Omit<PromptScript, 'delayMs' | 'pin'>): this {
    if (script.access !== undefined) this.access.replace(...([] as AccessAnswer[]).concat(script.access));
    if (script.confirm !== undefined) this.confirm.replace(...([] as ConfirmAnswer[]).concat(script.confirm));
    if (script.choose !== undefined) this.choose.replace(...([] as ChooseAnswer[]).concat(script.choose));
    return this;
  }

  async requestAccess(ctx: PromptContext): Promise<AccessDecision> {
    this.calls.requestAccess++;
    this.contexts.push(ctx);
    const answer = this.access.next();
    return this.answer(ctx, answer, () => answer as AccessDecision);
  }

  async chooseCertificate(ctx: PromptContext, certificates: Cert[], options: PickerOptions): Promise<Cert | null> {
    this.calls.chooseCertificate++;
    this.contexts.push(ctx);
    this.chooseRequests.push({ certificates: [...certificates], options: { ...options } });
    const answer = this.choose.next();
    return this.answer(ctx, answer, () => {
      if (answer === 'first') return certificates[0] ?? null;
      if (answer === 'cancel') return null;
      if (typeof answer === 'number') return certificates[answer] ?? null;
      return (answer as (c: Cert[]) => Cert | null)(certificates);
    });
  }

  async confirmSigning(ctx: PromptContext, request: ConfirmRequest): Promise<ConfirmResult> {
    this.calls.confirmSigning++;
    this.contexts.push(ctx);
    this.confirmRequests.push(structuredClone(request));
    const answer = this.confirm.next();
    return this.answer(ctx, answer, (): ConfirmResult => {
      if (answer === 'cancel') return { approved: false };
      if (answer === 'approveEmpty') return { approved: true };
      const typed = answer === 'approve' ? (request.pin.required && !request.pin.pinpad ? this.pin : null) : (answer as { pin: string }).pin;
      if (typed === null) return { approved: true };
      const pin = new TextEncoder().encode(typed);
      this.pinBuffers.push(pin);
      return { approved: true, pin };
    });
  }

  progress(_ctx: PromptContext, done: number, total: number): void {
    this.calls.progress++;
    this.progressEvents.push([done, total]);
  }

  finish(_ctx: PromptContext): void {
    this.calls.finish++;
  }

  private answer<T>(ctx: PromptContext, answer: unknown, value: () => T): Promise<T> {
    const { signal } = ctx;
    if (signal.aborted) return Promise.reject(cancelled());
    if (answer === 'timeout') return Promise.reject(new AgentError('USER_TIMEOUT', 'The user did not answer'));
    this.open++;
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        this.open--;
        signal.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
      };
      const onAbort = () => {
        done();
        reject(cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (answer === 'hang') return;
      const settle = () => {
        done();
        try {
          resolve(value());
        } catch (e) {
          reject(e);
        }
      };
      if (this.delayMs > 0) timer = setTimeout(settle, this.delayMs);
      else queueMicrotask(settle);
    });
  }
}
