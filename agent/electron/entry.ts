// Electron main-process entry: runs the tray shell over the headless composition root (bundle to CJS as main.cjs).
import { join } from 'node:path';
import { startAgent } from '../headless/start.js';
import { runElectron } from './main.js';

const lang = process.argv.includes('--lang=en') ? 'en' : 'vi';
void runElectron({ start: startAgent, preloadPath: join(__dirname, 'preload.cjs'), lang }).catch((e: unknown) => {
  console.error('kyso-agent: failed to start', e instanceof Error ? e.message : e);
  process.exit(1);
});
