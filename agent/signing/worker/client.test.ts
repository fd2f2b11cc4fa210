// Unit: the document worker's client over small scripted workers (real worker threads): signature requests
// answered by the agent's signer, errors crossing as AgentErrors, a heap cap and a time limit that end the worker
// and not the agent, the clock stopped while the token signs, and the fallback when no worker can start.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { AgentError } from '../../core/errors.js';
import type { DigestSigner, DocumentSigners } from '../../core/ports.js';
import { DocumentWorker, WorkerUnavailable } from './client.js';
import { offloadLargeDocuments } from './offload.js';

const dir = mkdtempSync(join(tmpdir(), 'kyso-worker-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A worker script: `onJob(m, post)` handles each job message; 'signed' answers go to `onSigned`. */
function script(name: string, body: string, ready = true): URL {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, `import { parentPort } from 'node:worker_threads';
const post = (m) => parentPort.postMessage(m);
const signed = new Map();
${body}
parentPort.on('message', (m) => {
  if (m.kind === 'signed') { signed.get(m.call)?.(m); return; }
  onJob(m, post);
});
${ready ? "post({ kind: 'ready' });" : ''}
`);
  return pathToFileURL(file);
}

const signer: DigestSigner & { seen: Uint8Array[] } = {
  seen: [],
  certificate: { der: 'MA==' } as DigestSigner['certificate'],
  chain: [],
  async sign(digest) {
    this.seen.push(digest);
    return Uint8Array.of(0xaa, ...digest);
  },
};

const workers: DocumentWorker[] = [];
function worker(url: URL, options: Partial<ConstructorParameters<typeof DocumentWorker>[0]> = {}): DocumentWorker {
  const w = new DocumentWorker({ script: url, ...options });
  workers.push(w);
  return w;
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

/** The job time limit of the timing tests. */
const JOB_LIMIT_MS = 2_000;

const job = (bytes = Uint8Array.of(1, 2, 3)) => ({ op: 'describeXml' as const, xml: bytes, options: { profile: 'enveloped' as const, hashAlgorithm: 'SHA-256' as const } });

describe('DocumentWorker', () => {
  it('answers the worker\'s signature request with the agent\'s signer and returns the result; the caller\'s bytes stay intact', async () => {
    const url = script('sign', `function onJob(m, post) {
      signed.set(7, (a) => post({ kind: 'done', id: m.id, value: { got: Array.from(a.value), len: m.job.xml.length } }));
      post({ kind: 'sign', id: m.id, call: 7, digest: Uint8Array.of(9, 8), hashAlgorithm: 'SHA-256' });
    }`);
    const bytes = Uint8Array.of(1, 2, 3, 4);
    const out = await worker(url).run(job(bytes), signer);
    expect(out).toEqual({ got: [0xaa, 9, 8], len: 4 });
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4]);
  });

  it('an AgentError thrown in the worker arrives as the same AgentError (reason and detail)', async () => {
    const url = script('fail', `function onJob(m, post) {
      post({ kind: 'failed', id: m.id, failure: { agentError: true, reason: 'DOCUMENT_INVALID', message: 'x', data: { detail: 'more than 200000 nodes' } } });
    }`);
    const e = await worker(url).run(job()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AgentError);
    expect(e).toMatchObject({ reason: 'DOCUMENT_INVALID', data: { detail: 'more than 200000 nodes' } });
  });

  it('a document that needs more heap than allowed ends the worker, not the agent: DOCUMENT_INVALID, and the next job runs in a new worker', async () => {
    const url = script('oom', `function onJob(m, post) {
      if (m.job.xml[0] === 0) { post({ kind: 'done', id: m.id, value: 'fine' }); return; }
      if (m.job.xml[0] === 2) return; // a job that waits (another site's document)
      if (m.job.xml[0] === 3) { setTimeout(() => { const keep = []; for (;;) keep.push(new Array(100000).fill(1)); }, 50); return; }
      const keep = [];
      for (;;) keep.push(new Array(100000).fill({ a: keep.length }));
    }`);
    const w = worker(url, { maxHeapMb: 32 });
    const e = await w.run(job()).catch((x: unknown) => x);
    expect(e).toMatchObject({ reason: 'DOCUMENT_INVALID' });
    expect((e as AgentError).data.detail).toContain('32 MiB');
    expect(await w.run(job(Uint8Array.of(0)))).toBe('fine');
    // Two jobs in the worker when it runs out: which one needed the memory cannot be told, both may try again.
    const [a, b] = await Promise.all([w.run(job(Uint8Array.of(2))).catch((x: unknown) => x), w.run(job(Uint8Array.of(3))).catch((x: unknown) => x)]);
    expect(a).toMatchObject({ reason: 'BUSY' });
    expect(b).toMatchObject({ reason: 'BUSY' });
  }, 30_000);

  it('a job that works longer than the limit is ended (DOCUMENT_INVALID); time spent waiting for the token does not count', async () => {
    const url = script('slow', `function onJob(m, post) {
      if (m.job.xml[0] === 1) { for (;;); }
      signed.set(1, () => post({ kind: 'done', id: m.id, value: 'signed' }));
      post({ kind: 'sign', id: m.id, call: 1, digest: Uint8Array.of(1), hashAlgorithm: 'SHA-256' });
    }`);
    // Limits far above a worker's start and a trivial job even on a loaded 2-core machine: only the endless loop passes them.
    const w = worker(url, { jobTimeoutMs: JOB_LIMIT_MS });
    const e = await w.run(job(Uint8Array.of(1))).catch((x: unknown) => x);
    expect(e).toMatchObject({ reason: 'DOCUMENT_INVALID' });
    expect((e as AgentError).data.detail).toContain('longer than');
    const slowToken: DigestSigner = { ...signer, sign: () => new Promise((r) => setTimeout(() => r(Uint8Array.of(1)), JOB_LIMIT_MS + 500)) };
    expect(await w.run(job(Uint8Array.of(2)), slowToken)).toBe('signed');
  }, 30_000);

  it('a worker that cannot start rejects with WorkerUnavailable', async () => {
    const url = script('broken', "throw new Error('cannot load');\nfunction onJob() {}", false);
    await expect(worker(url).run(job())).rejects.toBeInstanceOf(WorkerUnavailable);
    const missing = pathToFileURL(join(dir, 'missing.mjs'));
    await expect(worker(missing).run(job())).rejects.toBeInstanceOf(WorkerUnavailable);
  });
});

describe('offloadLargeDocuments', () => {
  const calls: string[] = [];
  const local = {
    describeXml: async (xml: Uint8Array) => {
      calls.push(`local describe ${xml.length}`);
      return { description: { size: xml.length, sha256Hex: 'l' }, plan: { format: 'xml' as const, xml, options: job().options } };
    },
  } as unknown as DocumentSigners;

  it('small documents stay in the agent\'s thread, large ones go to the worker; a worker that cannot start falls back (for a while, not tried again meanwhile)', async () => {
    const url = script('describe', `function onJob(m, post) { post({ kind: 'done', id: m.id, value: { size: m.job.xml.length, sha256Hex: 'w' } }); }`);
    const logged: string[] = [];
    const logger = { info: () => undefined, warn: () => undefined, error: (e: string) => void logged.push(e) };
    const docs = offloadLargeDocuments(local, worker(url, { logger }), logger, 1000);
    expect((await docs.describeXml(new Uint8Array(10), job().options)).description.sha256Hex).toBe('l');
    const big = await docs.describeXml(new Uint8Array(1000), job().options);
    expect(big.description).toEqual({ size: 1000, sha256Hex: 'w' });
    expect(big.plan.xml.length).toBe(1000);

    const broken = offloadLargeDocuments(local, worker(pathToFileURL(join(dir, 'missing.mjs')), { logger }), logger, 1000);
    calls.length = 0;
    expect((await broken.describeXml(new Uint8Array(2000), job().options)).description.sha256Hex).toBe('l');
    expect((await broken.describeXml(new Uint8Array(3000), job().options)).description.sha256Hex).toBe('l');
    expect(calls).toEqual(['local describe 2000', 'local describe 3000']);
    expect(logged).toEqual(['document-worker.unavailable', 'document-worker.fallback']);
  });
});

describe('DocumentWorker: answers reach only the job that asked', () => {
  /** A signer whose signatures are released by hand: `release(byte)` answers the oldest waiting request. */
  function heldSigner(): DigestSigner & { waiting: number; release(byte: number): void } {
    const queue: Array<(v: Uint8Array) => void> = [];
    return {
      certificate: signer.certificate,
      chain: [],
      get waiting() {
        return queue.length;
      },
      sign: () => new Promise<Uint8Array>((r) => queue.push(r)),
      release(byte) {
        queue.shift()!(Uint8Array.of(byte));
      },
    };
  }
  /** Waits for `cond`; a job that settles first fails the test at once (with its outcome) instead of a 30 s hang. */
  const until = async (cond: () => boolean, job: Promise<unknown>): Promise<void> => {
    let settled: { outcome: unknown } | undefined;
    job.then((v) => (settled = { outcome: v }), (e: unknown) => (settled = { outcome: e }));
    while (!cond()) {
      if (settled) throw new Error(`the job ended before its signature was asked: ${String(settled.outcome)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it('a signature that comes back after its job was ended (worker ended by another job\'s time limit) goes nowhere: not into the next worker\'s job, and it starts no clock that ends that worker', async () => {
    // [1]: asks one signature and returns it; [2]: works forever. Each worker numbers its calls from 1.
    const url = script('late', `let call = 0;
    function onJob(m, post) {
      if (m.job.xml[0] === 2) { for (;;); }
      const c = ++call;
      signed.set(c, (a) => post({ kind: 'done', id: m.id, value: Array.from(a.value ?? []) }));
      post({ kind: 'sign', id: m.id, call: c, digest: Uint8Array.of(c), hashAlgorithm: 'SHA-256' });
    }`);
    const w = worker(url, { jobTimeoutMs: JOB_LIMIT_MS });
    const a = heldSigner();
    const jobA = w.run(job(Uint8Array.of(1)), a).catch((e: unknown) => e);
    await until(() => a.waiting === 1, jobA);
    // Another origin's job runs too long: the worker ends, A fails (BUSY) while its token is still signing.
    expect(await w.run(job(Uint8Array.of(2))).catch((e: unknown) => e)).toMatchObject({ reason: 'DOCUMENT_INVALID' });
    expect(await jobA).toMatchObject({ reason: 'BUSY' });
    // Job C in the next worker waits for its own signature (its call is number 1 there, like A's was).
    const c = heldSigner();
    const jobC = w.run(job(Uint8Array.of(1)), c);
    await until(() => c.waiting === 1, jobC);
    a.release(0xa1); // A's token answers late
    // Longer than the job time limit: a clock restarted for A would end this worker and fail C.
    await new Promise((r) => setTimeout(r, JOB_LIMIT_MS + 500));
    c.release(0xc1);
    expect(await jobC).toEqual([0xc1]);
  }, 30_000);

  it('a job arriving while the idle worker is being ended runs in a new worker (not the dying one)', async () => {
    const url = script('idle', `function onJob(m, post) { post({ kind: 'done', id: m.id, value: 'ok' }); }`);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const w = worker(url, { idleMs: 1000 });
      expect(await w.run(job())).toBe('ok');
      vi.advanceTimersByTime(1000); // the idle end has begun: terminate() called, 'exit' not yet emitted
      expect(await w.run(job())).toBe('ok');
    } finally {
      vi.useRealTimers();
    }
  });

  it('the worker receives exactly the signature bytes, not the memory around them (a view into a larger buffer)', async () => {
    const url = script('view', `function onJob(m, post) {
      signed.set(1, (a) => post({ kind: 'done', id: m.id, value: { length: a.value.length, buffer: a.value.buffer.byteLength, chain: m.job.signer.chain.map((c) => c.buffer.byteLength) } }));
      post({ kind: 'sign', id: m.id, call: 1, digest: Uint8Array.of(1), hashAlgorithm: 'SHA-256' });
    }`);
    // A signature handed back as a view into a bigger buffer (pkcs11js answers in Buffer.allocUnsafe's shared pool).
    const memory = new Uint8Array(8192).fill(0x55);
    const viewSigner: DigestSigner = { ...signer, chain: [memory.subarray(100, 110)], sign: async () => memory.subarray(0, 256) };
    const out = await worker(url).run({ op: 'signXml', xml: Uint8Array.of(1), options: job().options, signer: { certificate: viewSigner.certificate, chain: viewSigner.chain } }, viewSigner);
    expect(out).toEqual({ length: 256, buffer: 256, chain: [10] });
  });
});
