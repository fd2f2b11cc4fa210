// Progress of a `kyso-agent sign` run: a redrawn bar on a terminal (stderr), one plain line per file otherwise.

export interface ProgressSink {
  /** Raw text on stderr (no newline added). */
  write(text: string): void;
  /** Terminal width when stderr is a TTY. */
  columns?: number;
}

export interface Progress {
  /** Called once per finished file, in order. `line` is the human result for that file. */
  step(done: number, total: number, line: string): void;
  /** Clears the bar (TTY) before the summary. */
  end(): void;
}

/** Plain mode: every result on its own line (logs, CI, pipes). */
export function plainProgress(err: (text: string) => void): Progress {
  return {
    step: (done, total, line) => err(`[${done}/${total}] ${line}`),
    end: () => undefined,
  };
}

/** `[#######.........]  7/16  44%` sized to the terminal. */
export function progressBar(done: number, total: number, columns = 80): string {
  const counter = ` ${String(done).padStart(String(total).length)}/${total} ${String(Math.floor((done * 100) / Math.max(1, total))).padStart(3)}%`;
  const width = Math.max(10, Math.min(50, columns - counter.length - 3));
  const filled = Math.round((done / Math.max(1, total)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${counter}`;
}

/** TTY mode: per-file lines scroll above a bar that is redrawn in place. */
export function ttyProgress(sink: ProgressSink): Progress {
  const clear = '\r\x1b[2K';
  return {
    step(done, total, line) {
      sink.write(`${clear}${line}\n${progressBar(done, total, sink.columns)}`);
    },
    end() {
      sink.write(`${clear}`);
    },
  };
}
