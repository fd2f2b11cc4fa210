// Writes the agent's side of the local channel in order, a large answer slice by slice (docs/security.md T22): an
// 85 MiB signed document encoded to UTF-8 and copied into one frame in a single call blocks the agent for hundreds
// of milliseconds. Every frame of a connection goes through one queue, so nothing lands inside a data frame's text.
import type { Socket } from 'node:net';
import { piecesOf, utf8Length, type MessageText } from '../core/protocol/pieces.js';
import { SLICE_CHARS, yieldToEventLoop } from '../core/protocol/slices.js';
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

  /**
   * A stream's text as one data frame: a long text (or an answer's pieces, never joined) goes out as its header,
   * then its UTF-8 piece by piece.
   */
  data(s: number, text: MessageText): void {
    if (typeof text === 'string' && text.length <= SLICE_CHARS) {
      this.enqueue(() => this.write(dataFrame(s, text)), true);
      return;
    }
    this.enqueue(async () => {
      // The header needs the UTF-8 length first: counted piece by piece (~0.25 ms each), with a turn every 16.
      this.write(dataHeader(s, await utf8Length(text, (piece) => Buffer.byteLength(piece, 'utf8'))));
      for (const piece of piecesOf(text)) {
        await yieldToEventLoop();
        // A connection that ended mid-answer: its close handler reports it; the rest is not written.
        if (this.socket.destroyed) return;
        this.socket.write(piece, 'utf8');
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
