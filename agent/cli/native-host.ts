// `kyso-agent native-host`: started by the browser for the companion extension (docs/extension.md). Not for
// people to run: stdin/stdout carry native messages.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolveDataDir, resolvePolicyPath } from '../headless/data-dir.js';
import { loadPolicy } from '../headless/policy-file.js';
import { agentVersion } from '../headless/version.js';
import { allowedCallers, channelLocation, openChannel, readRelayKey, runNativeHost } from '../relay/index.js';
import type { CliIo, Subcommand } from './io.js';
import { COMMAND_TEXTS } from './texts.js';

/** The kyso-agent entry script (bin/kyso-agent.mjs) next to this build. */
export function agentBin(): string {
  return fileURLToPath(new URL('../../../bin/kyso-agent.mjs', import.meta.url));
}

async function isSea(): Promise<boolean> {
  return import('node:sea').then((m) => m.isSea(), () => false);
}

/** How this installation runs its own CLI: the Electron app (`--cli`), the single executable, or node + bin. */
export async function cliCommand(): Promise<string[]> {
  if (process.versions.electron) return [process.execPath, '--cli'];
  if (await isSea()) return [process.execPath];
  return [process.execPath, agentBin()];
}

/** What the host runs when no agent answers: the tray app when installed as one, else `start --headless`. */
export async function agentStartCommand(extra: string[]): Promise<string[]> {
  if (process.versions.electron) return [process.execPath];
  return [...(await cliCommand()), 'start', '--headless', ...extra];
}

export const nativeHostCommand: Subcommand = {
  ...COMMAND_TEXTS['native-host'],
  async run(argv: string[], io: CliIo): Promise<number> {
    const env = io.env;
    const dataDir = resolveDataDir(undefined, env);
    const policy = await loadPolicy(resolvePolicyPath(undefined, env));
    const location = channelLocation(dataDir, process.platform, { uid: process.getuid?.() ?? -1, name: env.USERNAME ?? env.USER ?? '' });
    // Extra `start` arguments for the agent the host starts (KYSO_AGENT_START_ARGS, space-separated; tests, kiosks).
    const extra = (env.KYSO_AGENT_START_ARGS ?? '').split(/\s+/).filter(Boolean);
    const [cmd, ...cmdArgs] = await agentStartCommand(extra);
    const code = await runNativeHost({
      stdin: process.stdin,
      stdout: process.stdout,
      args: argv,
      allowedCallers: allowedCallers(policy.policy.extension.ids),
      version: agentVersion(),
      // Unix: the socket's folder and the socket are checked to be this user's own first (docs/extension.md).
      connect: () => openChannel(location),
      readKey: () => readRelayKey(location.keyFile),
      startAgent: () => {
        const child = spawn(cmd!, cmdArgs, { detached: true, stdio: 'ignore', env, windowsHide: true });
        child.unref();
      },
      log: (line) => io.err(`kyso-agent native-host: ${line}`),
    });
    // The browser's stdin may stay open after a refusal: flush what was said, then end the process.
    await new Promise<void>((r) => process.stdout.write('', () => r()));
    process.exit(code);
  },
};
