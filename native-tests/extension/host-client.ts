// Plays the browser's side of native messaging against the real host process (`kyso-agent native-host`):
// 4-byte little-endian length + JSON on the host's stdin/stdout.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BIN } from './harness.js';

export class HostClient {
  readonly messages: Array<Record<string, unknown>> = [];
  readonly exited: Promise<number>;
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  stderr = '';

  private constructor(readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readUInt32LE(0)) {
        const n = this.buf.readUInt32LE(0);
        this.messages.push(JSON.parse(this.buf.subarray(4, 4 + n).toString('utf8')) as Record<string, unknown>);
        this.buf = this.buf.subarray(4 + n);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    proc.stderr.on('data', (d: Buffer) => void (this.stderr += d.toString()));
    proc.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => proc.once('exit', (code) => {
      for (const w of this.waiters.splice(0)) w();
      resolve(code ?? -1);
    }));
  }

  /** Starts the host as Chrome would: the caller's origin as its argument. */
  static start(caller: string, env: NodeJS.ProcessEnv): HostClient {
    return new HostClient(spawn(process.execPath, [BIN, 'native-host', caller], { env, stdio: 'pipe' }));
  }

  send(message: unknown): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    this.proc.stdin.write(Buffer.concat([head, body]));
  }

  raw(bytes: Buffer): void {
    this.proc.stdin.write(bytes);
  }

  /** Waits for the first message (from index `from`) matching `pred`. */
  async next(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 20_000, from = 0): Promise<Record<string, unknown>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(pred);
      if (found) return found;
      if (Date.now() > until || this.proc.exitCode !== null) throw new Error(`no matching host message; got ${JSON.stringify(this.messages).slice(0, 500)}; stderr ${this.stderr}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  /** hello → the host's hello back (after it reached the agent). */
  async hello(relay = 1): Promise<Record<string, unknown>> {
    this.send({ t: 'hello', relay, version: '0.1.0', role: 'extension' });
    return this.next((m) => m.t === 'hello' || m.t === 'error');
  }

  close(): void {
    this.proc.stdin.end();
  }
}
