// Output helpers and the subcommand shape shared by every CLI file.

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** stdout is a terminal (a person reads it): human summaries instead of machine lines. Default false. */
  stdoutTerminal?: boolean;
}

export const processIo: CliIo = {
  stdoutTerminal: process.stdout.isTTY === true,
  out: (t) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  env: process.env,
};

/** One subcommand: `run` gets the arguments after its name and returns the exit code. */
export interface Subcommand {
  /** One line for --help: Vietnamese, then English. */
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Exit codes: 0 ok, 1 failure, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Vietnamese first, English second (user-facing text rule). */
export function bilingual(vi: string, en: string): string {
  return `${vi}\n${en}`;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
