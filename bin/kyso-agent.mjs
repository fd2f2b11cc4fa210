#!/usr/bin/env node
// The kyso-agent command: runs the compiled CLI (npm run build writes dist/), bundled when the bundle is there.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundled = new URL('../dist/agent/cli-bundle/main.js', import.meta.url);
const main = existsSync(fileURLToPath(bundled)) ? bundled : new URL('../dist/agent/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('kyso-agent: not built yet; run `npm run build` first.');
  process.exit(1);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
