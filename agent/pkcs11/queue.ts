// Per-module serial call queue: every call into one PKCS#11 module goes through one chain.

/**
 * Runs tasks one at a time, in arrival order. Some vendor drivers are not thread-safe and a multi-step operation
 * (C_SignInit → context login → C_Sign) must not interleave with another caller's steps on the same module.
 * pkcs11js calls are synchronous, so a synchronous task that starts on an idle queue runs at once (no extra
 * microtask hop on the signing hot path); a task that returns a promise holds the queue until it settles.
 */
export class SerialQueue {
  private pending = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly release = (): void => {
    this.pending--;
  };

  /** Tasks queued or running (for tests and diagnostics). */
  get size(): number {
    return this.pending;
  }

  run<T>(task: () => T | PromiseLike<T>): Promise<T> {
    if (this.pending === 0) {
      let result: T | PromiseLike<T>;
      try {
        result = task();
      } catch (e) {
        return Promise.reject(e);
      }
      if (!isThenable(result)) return Promise.resolve(result);
      this.pending++;
      const p = Promise.resolve(result);
      this.tail = p.then(this.release, this.release);
      return p;
    }
    this.pending++;
    const p = this.tail.then(task);
    this.tail = p.then(this.release, this.release);
    return p;
  }
}

function isThenable<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
