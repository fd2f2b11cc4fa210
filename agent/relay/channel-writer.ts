// Writes the agent's side of the local channel in order, a large answer slice by slice (docs/security.md T22): an
// 85 MiB signed document encoded to UTF-8 and copied into one frame in a single call blocks the agent for hundreds
// of milliseconds. Every frame of a connection goes through one queue, so nothing lands inside a data frame's text.
import type { Socket } from 'node:net';
import { SLICE_CHARS, textSlices, yieldToEventLoop } from '../core/protocol/slices.js';
import { dataFrame, dataHeader } from './channel-frames.js';

export class ChannelWriter {
  private tail: Promise<void> = Promise.resolve();
  /** Frames queued or being written; while 0 a small frame is written at once (a refusal just before `end`). */
  private pending = 0;

  constructor(private readonly socket: Socket) {}

  /** A control frame (already encoded). */
  control(frame: Buffer): void {
    this.enqueue(() => this.write(frame), true);
  }

  /** A stream's text as one data frame: a long text goes out as its header, then its UTF-8 slice by slice. */
  data(s: number, text: string): void {
    if (text.length <= SLICE_CHARS) {
      this.enqueue(() => this.write(dataFrame(s, text)), true);
      return;
    }
    this.enqueue(async () => {
      const slices = [...textSlices(text)];
      // The header needs the UTF-8 length first: counted slice by slice (~0.25 ms each), with a turn every 16.
      let bytes = 0;
      for (let i = 0; i < slices.length; i++) {
        bytes += Buffer.byteLength(slices[i]!, 'utf8');
        if (i % 16 === 15) await yieldToEventLoop();
      }
      this.write(dataHeader(s, bytes));
      for (const slice of slices) {
        await yieldToEventLoop();
        // A connection that ended mid-answer: its close handler reports it; the rest is not written.
        if (this.socket.destroyed) return;
        this.socket.write(slice, 'utf8');
      }
    }, false);
  }

  private write(frame: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(frame);
  }

  private enqueue(job: () => void | Promise<void>, small: boolean): void {
    if (small && this.pending === 0) {
      job();
      return;
    }
    this.pending++;
    const run = async (): Promise<void> => {
      try {
        await job();
      } catch {
        // A socket that failed mid-frame is closing; its close handler reports it.
      } finally {
        this.pending--;
      }
    };
    this.tail = this.tail.then(run, run);
  }
}
