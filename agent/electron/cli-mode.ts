// `kyso-agent.exe --cli <command> …`: the installed app runs its own CLI (installers call `ca install`,
// `native-host`, … this way; the Electron fuses forbid ELECTRON_RUN_AS_NODE). docs/admin.md lists the uses.

/** The CLI arguments when the app was started in CLI mode, else null (the tray app starts). */
export function cliModeArgs(argv: readonly string[]): string[] | null {
  const at = argv.indexOf('--cli');
  return at < 0 ? null : argv.slice(at + 1);
}
