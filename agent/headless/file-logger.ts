// The rotating JSON-lines log in <data>/logs (5 files × 1 MiB): time, level, event, fields. Never a PIN or a document.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogFields, Logger } from '../core/index.js';

export interface FileLoggerOptions {
  dir: string;
  /** Bytes per file before rotating. Default 1 MiB. */
  maxBytes?: number;
  /** Files kept (agent.log, agent.log.1 … agent.log.N-1). Default 5. */
  files?: number;
  /** Also write each line to stderr (e.g. `--verbose`). */
  echo?: boolean;
}

/** Field names that must never carry a value into the log, whatever a caller passes. */
const SECRET_KEY = /pin|password|secret|passphrase/i;
const MAX_FIELD = 500;
/** Field names are few and fixed: remember the verdict instead of running the regex on every line (hot path). */
const secretKeys = new Map<string, boolean>();
function isSecretKey(k: string): boolean {
  let secret = secretKeys.get(k);
  if (secret === undefined) {
    secret = SECRET_KEY.test(k);
    if (secretKeys.size < 1024) secretKeys.set(k, secret);
  }
  return secret;
}

export interface FileLogger extends Logger {
  readonly file: string;
  close(): void;
}

/** Synchronous appends: a crash leaves every line that was logged before it, and lines never interleave. */
export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const files = Math.max(1, options.files ?? 5);
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const file = join(options.dir, 'agent.log');
  let fd = openSync(file, 'a', 0o600);
  let size = fstatSync(fd).size;

  function rotate(): void {
    closeSync(fd);
    const last = `${file}.${files - 1}`;
    if (existsSync(last)) rmSync(last, { force: true });
    for (let i = files - 2; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    if (files > 1) renameSync(file, `${file}.1`);
    else rmSync(file, { force: true });
    fd = openSync(file, 'a', 0o600);
    size = 0;
  }

  function write(level: 'info' | 'warn' | 'error', event: string, fields?: LogFields): void {
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, event };
    if (fields) {
      for (const k in fields) {
        if (!Object.hasOwn(fields, k)) continue;
        const v = fields[k];
        if (v === undefined) continue;
        if (isSecretKey(k)) {
          entry[k] = '[redacted]';
          continue;
        }
        entry[k] = typeof v === 'string' && v.length > MAX_FIELD ? `${v.slice(0, MAX_FIELD)}…` : v;
      }
    }
    const line = JSON.stringify(entry) + '\n';
    const bytes = Buffer.byteLength(line);
    try {
      if (size > 0 && size + bytes > maxBytes) rotate();
      writeSync(fd, line);
      size += bytes;
    } catch {
      // A full disk must not take the agent down with it.
    }
    if (options.echo) process.stderr.write(line);
  }

  return {
    file,
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
    close: () => {
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
    },
  };
}
