// Reading the one PIN of a `kyso-agent sign` run: first line of stdin, or typed on the terminal with echo off.
import { AgentError } from '../core/errors.js';

/** The part of a readable stream (process.stdin or a test stream) the PIN readers use. */
export interface PinInput {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

const MAX_PIN = 256;

/** A PIN buffer that grows in place and is zeroed whenever it is dropped. */
class PinBuffer {
  private bytes = new Uint8Array(MAX_PIN);
  length = 0;

  push(b: number): void {
    if (this.length >= MAX_PIN) throw new AgentError('PIN_LENGTH_INVALID', 'PIN quá dài / PIN too long');
    this.bytes[this.length++] = b;
  }

  pop(): void {
    if (this.length > 0) this.bytes[--this.length] = 0;
  }

  /** A right-sized copy; the internal buffer is zeroed. */
  take(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    this.wipe();
    return out;
  }

  wipe(): void {
    this.bytes.fill(0);
    this.length = 0;
  }
}

function toBytes(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/**
 * The first line of `input` as bytes (CR/LF stripped), e.g. `printf '%s\n' "$PIN" | kyso-agent sign … --pin-stdin`.
 * Chunks are zeroed after copying; the rest of the stream is left unread. Empty → PIN_LENGTH_INVALID.
 */
export function readPinLine(input: PinInput): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const pin = new PinBuffer();
    let done = false;
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('close', onEnd);
      input.removeListener('error', onError);
      input.pause();
      if (error) {
        pin.wipe();
        reject(error);
        return;
      }
      if (pin.length === 0) {
        reject(new AgentError('PIN_LENGTH_INVALID', 'Không có PIN trên stdin / No PIN on stdin'));
        return;
      }
      resolve(pin.take());
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = toBytes(chunk);
      try {
        for (const b of bytes) {
          if (done) break;
          if (b === 0x0a) finish();
          else if (b !== 0x0d) pin.push(b);
        }
      } catch (e) {
        finish(e);
      } finally {
        if (typeof chunk !== 'string') bytes.fill(0);
      }
    };
    const onEnd = (): void => finish();
    const onError = (e: Error): void => finish(e);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('close', onEnd);
    input.on('error', onError);
    input.resume();
  });
}

/**
 * Asks for the PIN on a terminal: `prompt` is written to `output` (stderr), keys are read in raw mode so nothing
 * is echoed, Backspace edits, Enter ends, Ctrl-C / Ctrl-D cancel (USER_CANCELLED). The bytes never become a string.
 */
export function promptPinOnTerminal(input: PinInput, output: { write(text: string): unknown }, prompt: string): Promise<Uint8Array> {
  if (!input.isTTY || typeof input.setRawMode !== 'function') {
    return Promise.reject(new AgentError('PIN_LENGTH_INVALID', 'stdin không phải terminal: dùng --pin-stdin / stdin is not a terminal: use --pin-stdin'));
  }
  const setRaw = input.setRawMode.bind(input);
  return new Promise((resolve, reject) => {
    const pin = new PinBuffer();
    let done = false;
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      setRaw(false);
      input.pause();
      output.write('\n');
      if (error) {
        pin.wipe();
        reject(error);
      } else if (pin.length === 0) {
        reject(new AgentError('PIN_LENGTH_INVALID', 'Chưa nhập PIN / No PIN was entered'));
      } else {
        resolve(pin.take());
      }
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = toBytes(chunk);
      try {
        for (const b of bytes) {
          if (done) break;
          if (b === 0x0d || b === 0x0a) finish();
          else if (b === 0x03 || (b === 0x04 && pin.length === 0)) finish(new AgentError('USER_CANCELLED', 'Đã huỷ / Cancelled'));
          else if (b === 0x7f || b === 0x08) pin.pop();
          else if (b === 0x15) while (pin.length > 0) pin.pop(); // Ctrl-U clears the line
          else if (b >= 0x20) pin.push(b);
        }
      } catch (e) {
        finish(e);
      } finally {
        if (typeof chunk !== 'string') bytes.fill(0);
      }
    };
    const onEnd = (): void => finish(new AgentError('USER_CANCELLED', 'Đã huỷ / Cancelled'));
    output.write(prompt);
    setRaw(true);
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}
