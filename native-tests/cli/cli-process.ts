// Runs the kyso-agent CLI from the current sources as a real process (bundled with esbuild, packages external).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');
let entry: Promise<string> | null = null;

/** Bundles agent/cli/main.ts once per test file into .kyso-test/ (inside the repo so node_modules resolve). */
export function cliEntry(): Promise<string> {
  entry ??= (async () => {
    const dir = join(root, '.kyso-test');
    mkdirSync(dir, { recursive: true });
    const out = join(dir, `cli-${process.pid}-${Date.now()}.mjs`);
    await build({
      stdin: { contents: `import { run } from './agent/cli/main.ts';\nprocess.exitCode = await run(process.argv.slice(2));\n`, resolveDir: root, sourcefile: 'cli-entry.ts', loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: out,
      logLevel: 'error',
      // version.ts walks up from its own file to package.json: .kyso-test/ is one level below the root.
    });
    return out;
  })();
  return entry;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const file = await cliEntry();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [file, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface StartedCli {
  proc: ChildProcess;
  ready: { event: string; tlsPort: number; plainPort: number | null; vnptPort: number | null };
  stdout: () => string;
  stderr: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  startedAt: number;
  readyAt: number;
}

/** `kyso-agent start …`; resolves once the ready line is on stdout. */
export async function startCli(args: string[], env: NodeJS.ProcessEnv): Promise<StartedCli> {
  const file = await cliEntry();
  const startedAt = performance.now();
  const proc = spawn(process.execPath, [file, 'start', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const ready = await new Promise<StartedCli['ready']>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${stderr}`)), 20_000);
    proc.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const nl = stdout.indexOf('\n');
      if (nl !== -1) {
        clearTimeout(timer);
        resolve(JSON.parse(stdout.slice(0, nl)) as StartedCli['ready']);
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
  });
  const readyAt = performance.now();
  return {
    proc,
    ready,
    stdout: () => stdout,
    stderr: () => stderr,
    startedAt,
    readyAt,
    stop: (signal = 'SIGTERM') => {
      proc.kill(signal);
      return exited;
    },
  };
}
