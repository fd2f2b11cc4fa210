// The kyso-agent command line: a closed table of subcommands (bin/kyso-agent.mjs calls `run`).
import { agentVersion } from '../headless/version.js';
import { EXIT, processIo, type CliIo, type Subcommand } from './io.js';
import { COMMAND_TEXTS } from './texts.js';

/**
 * Every subcommand, loaded on demand so `start` does not pay for the signing formats' libraries at start-up.
 * To add one: a file exporting a `Subcommand`, and one line here.
 */
export const SUBCOMMANDS: Record<keyof typeof COMMAND_TEXTS, () => Promise<Subcommand>> = {
  start: async () => (await import('./start.js')).startCommand,
  doctor: async () => (await import('./doctor.js')).doctorCommand,
  'demo-token': async () => (await import('./demo-token.js')).demoTokenCommand,
  ca: async () => (await import('./ca.js')).caCommand,
  policy: async () => (await import('./policy.js')).policyCommand,
  sign: async () => (await import('./sign.js')).signCommand,
  verify: async () => (await import('./verify.js')).verifyCommand,
  ui: async () => (await import('./ui.js')).uiCommand,
  'browser-integration': async () => (await import('./browser-integration.js')).browserIntegrationCommand,
  'native-host': async () => (await import('./native-host.js')).nativeHostCommand,
};

export async function helpText(): Promise<string> {
  const lines = [
    `kyso-agent ${agentVersion()} — agent ký số cho token USB / local signing agent for PKI USB tokens`,
    '',
    'Cách dùng / Usage: kyso-agent <lệnh/command> [options]',
    '',
  ];
  // From the texts table, not the commands: --help loads no subcommand (and none of their libraries).
  for (const name of Object.keys(SUBCOMMANDS)) {
    const text = COMMAND_TEXTS[name as keyof typeof COMMAND_TEXTS];
    lines.push(`  ${name.padEnd(12)} ${text.summary}`, `  ${''.padEnd(12)} ${text.usage}`);
  }
  lines.push(
    '',
    'Biến môi trường / Environment: KYSO_AGENT_HOME (data dir), KYSO_AGENT_POLICY (policy file), KYSO_PKCS11_MODULES (extra modules)',
    '  --help, --version',
  );
  return lines.join('\n');
}

/** Runs one command line; resolves with the exit code. */
export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(await helpText());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    io.out(agentVersion());
    return EXIT.ok;
  }
  const load = Object.hasOwn(SUBCOMMANDS, first) ? SUBCOMMANDS[first as keyof typeof SUBCOMMANDS] : undefined;
  if (!load) {
    io.err(`Lệnh không rõ / Unknown command: ${first}\n\n${await helpText()}`);
    return EXIT.usage;
  }
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${cmd.summary}\n${cmd.usage}`);
    return EXIT.ok;
  }
  return cmd.run(rest, io);
}
