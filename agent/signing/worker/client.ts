// The agent's side of the document worker (docs/architecture.md, "Document worker"): one worker thread, started on
// the first large document and ended after a while without work. Its heap is capped, so a document that needs
// more memory ends the worker, not the agent (docs/security.md T23); a job running too long ends it too.
import { Worker } from 'node:worker_threads';
import { AgentError } from '../../core/errors.js';
import type { DigestSigner, Logger } from '../../core/ports.js';
import { exactCopies, fromFailure, toFailure, type FromWorker, type Job, type ToWorker } from './messages.js';

export interface DocumentWorkerOptions {
  /** The worker's script (see locate.ts). */
  script: URL;
  /** The worker's old-generation heap, MiB (docs/security.md T23). */
  maxHeapMb?: number;
  /** A job working longer than this (waiting for the token not counted) ends the worker: DOCUMENT_INVALID. */
  jobTimeoutMs?: number;
  /** The worker exits after this long without a job. */
  idleMs?: number;
  logger?: Logger;
}

/** The worker could not be started at all (its script is missing or broken): the caller works in its own thread. */
export class WorkerUnavailable extends Error {
  constructor(detail: string) {
    super(`document worker unavailable: ${detail}`);
    this.name = 'WorkerUnavailable';
  }
}

interface Pending {
  /** The worker the job was given to: only its messages speak for the job, and only it gets the job's signatures. */
  worker: Worker;
  resolve(value: unknown): void;
  reject(e: Error): void;
  signer: DigestSigner | undefined;
  /** Signatures asked of the token for this job and not answered yet: the job's clock stops meanwhile. */
  signing: number;
  timer: NodeJS.Timeout | undefined;
}

const MiB = 1024 * 1024;

export class DocumentWorker {
  private worker: Worker | undefined;
  /** The current worker has said it runs (its first message, or a job done); before that a failure means unavailable. */
  private started = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly maxHeapMb: number;
  private readonly jobTimeoutMs: number;
  private readonly idleMs: number;

  constructor(private readonly options: DocumentWorkerOptions) {
    this.maxHeapMb = options.maxHeapMb ?? 640;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 120_000;
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** Jobs in flight (tests, diagnostics). */
  get busy(): number {
    return this.pending.size;
  }

  /** Runs `job` in the worker; `signer` answers the job's signature requests. */
  run(job: Job, signer?: DigestSigner): Promise<unknown> {
    const worker = this.ensure();
    const id = this.nextId++;
    const transfer: ArrayBuffer[] = [];
    const message: ToWorker = { kind: 'job', id, job: exactCopies(job, transfer, 'copy') };
    return new Promise((resolve, reject) => {
      const p: Pending = { worker, resolve, reject, signer, signing: 0, timer: undefined };
      this.pending.set(id, p);
      this.clock(id, p);
      try {
        worker.postMessage(message, transfer);
      } catch (e) {
        this.settle(id, p);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Ends the worker now (agent shutdown); jobs in flight fail. */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.failAll(new AgentError('BUSY', 'The agent is stopping', { detail: 'the agent is stopping' }));
    if (w) await w.terminate();
  }

  private ensure(): Worker {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.script, {
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb, maxYoungGenerationSizeMb: 64 },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    this.worker = worker;
    this.started = false;
    worker.on('message', (m: FromWorker) => this.onMessage(worker, m));
    worker.on('error', (e: Error & { code?: string }) => this.onEnd(worker, e));
    worker.on('exit', (code) => this.onEnd(worker, new Error(`worker exited with code ${code}`)));
    this.options.logger?.info('document-worker.started', { maxHeapMb: this.maxHeapMb });
    return worker;
  }

  private onMessage(worker: Worker, m: FromWorker): void {
    if (m.kind === 'ready') {
      if (worker === this.worker) this.started = true;
      return;
    }
    const p = this.pending.get(m.id);
    if (!p || p.worker !== worker) return;
    if (m.kind === 'sign') {
      p.signing++;
      this.clock(m.id, p);
      const answer = (reply: ToWorker & { kind: 'signed' }): void => {
        // The job may have ended meanwhile (failed, timed out, its worker ended by another job): its signature goes
        // nowhere. Never to the next worker, whose calls are numbered afresh, and no clock restarts for it.
        if (this.pending.get(m.id) !== p) return;
        p.signing--;
        this.clock(m.id, p);
        const transfer: ArrayBuffer[] = [];
        p.worker.postMessage(exactCopies(reply, transfer, 'copy'), transfer);
      };
      const signer = p.signer;
      if (!signer) {
        answer({ kind: 'signed', id: m.id, call: m.call, failure: toFailure(new AgentError('INTERNAL', 'Internal error', {}, 'worker asked for a signature without a signer')) });
        return;
      }
      signer.sign(m.digest, m.hashAlgorithm, m.options).then(
        (value) => answer({ kind: 'signed', id: m.id, call: m.call, value }),
        (e: unknown) => answer({ kind: 'signed', id: m.id, call: m.call, failure: toFailure(e) }),
      );
      return;
    }
    this.settle(m.id, p);
    if (m.kind === 'done') p.resolve(m.value);
    else p.reject(fromFailure(m.failure));
  }

  /** (Re)starts the job's clock, or stops it while the job waits for the token. */
  private clock(id: number, p: Pending): void {
    if (p.timer) clearTimeout(p.timer);
    p.timer = undefined;
    if (p.signing > 0) return;
    p.timer = setTimeout(() => {
      this.options.logger?.warn('document-worker.timeout', { ms: this.jobTimeoutMs });
      this.settle(id, p);
      p.reject(new AgentError('DOCUMENT_INVALID', 'The document could not be read', { detail: `working on the document took longer than ${Math.round(this.jobTimeoutMs / 1000)} s` }));
      // The next job gets a new worker at once; the other jobs of this one may simply be tried again.
      const w = this.worker;
      this.worker = undefined;
      this.failAll(new AgentError('BUSY', 'The agent is busy', { detail: 'another document took too long; try again' }));
      void w?.terminate();
    }, this.jobTimeoutMs);
    p.timer.unref();
  }

  private settle(id: number, p: Pending): void {
    if (p.timer) clearTimeout(p.timer);
    this.pending.delete(id);
    if (this.pending.size === 0 && this.worker && !this.idleTimer) {
      this.idleTimer = setTimeout(() => {
        // Forgotten before it is ended: a job arriving while it exits gets a new worker, not this dying one.
        const w = this.worker;
        this.worker = undefined;
        this.idleTimer = undefined;
        void w?.terminate();
      }, this.idleMs);
      this.idleTimer.unref();
    }
  }

  private onEnd(worker: Worker, e: Error & { code?: string }): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.pending.size === 0) return;
    if (!this.started) {
      this.options.logger?.error('document-worker.unavailable', { detail: e.message });
      this.failAll(new WorkerUnavailable(e.message));
    } else if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      this.options.logger?.warn('document-worker.out-of-memory', { maxHeapMb: this.maxHeapMb, jobs: this.pending.size });
      // With one job in the worker it was that document; with several, which one cannot be told: all may try
      // again (BUSY), and the one that needs too much then fails alone.
      this.failAll(this.pending.size === 1
        ? new AgentError('DOCUMENT_INVALID', 'The document could not be read', { detail: `the document needs more than the ${this.maxHeapMb} MiB of working memory allowed` })
        : new AgentError('BUSY', 'The agent is busy', { detail: 'documents worked together needed too much memory; try again' }));
    } else {
      this.options.logger?.error('document-worker.ended', { detail: e.message });
      this.failAll(new AgentError('INTERNAL', 'Internal error', {}, `document worker ended: ${e.message}`));
    }
  }

  private failAll(error: Error): void {
    for (const [id, p] of [...this.pending]) {
      if (p.timer) clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(error);
    }
  }
}

/** Documents from this size on are worked in the worker; smaller ones cost less than the trip (a few ms at most). */
export const OFFLOAD_FROM_BYTES = 1 * MiB;
