// Electron main-process entry: runs the tray shell over the headless composition root (bundle to CJS as main.cjs),
// or, started as `kyso-agent --cli <command>`, the command line (installers use it) and exits.
import { join } from 'node:path';
import { startAgent } from '../headless/start.js';
import { cliModeArgs } from './cli-mode.js';
import { runElectron } from './main.js';

const cli = cliModeArgs(process.argv);
if (cli) {
  void import('../cli/main.js').then(
    async ({ run }) => process.exit(await run(cli)),
    (e: unknown) => {
      console.error('kyso-agent:', e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
} else {
  const lang = process.argv.includes('--lang=en') ? 'en' : 'vi';
  void runElectron({ start: startAgent, preloadPath: join(__dirname, 'preload.cjs'), lang }).catch((e: unknown) => {
    console.error('kyso-agent: failed to start', e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
