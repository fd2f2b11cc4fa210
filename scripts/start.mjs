#!/usr/bin/env node
// `npm start`: the demo token, the agent (--dev, dialogs in the browser) and the demo portal on http://localhost:14480.
// Extra arguments go to `kyso-agent start` (e.g. `npm start -- --lang en`).
// First the system packages and the build (only if a source changed), each as a child in its own process group: a
// SIGINT/SIGTERM that npm forwards here ends that step with everything it started (apt-get, npm run build, tsc…),
// and nothing is left running (native-tests/cli/npm-start.test.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Runs `node <script> …args` in its own process group; resolves with its exit code. A signal here goes to that group. */
function step(script, args = []) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: ['ignore', 'inherit', 'inherit'], detached: process.platform !== 'win32' });
    const forward = (signal) => {
      try {
        // Windows has no process groups: the step itself.
        if (process.platform === 'win32') child.kill(signal);
        else process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const onInt = () => forward('SIGINT');
    const onTerm = () => forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.once('error', () => resolve(1));
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? 128 + (constants.signals[signal] ?? 1));
    });
  });
}

for (const [script, args] of [['setup-system.mjs', ['--for', 'start']], ['build-if-changed.mjs', []]]) {
  const code = await step(script, args);
  if (code !== 0) process.exit(code);
}

const dist = new URL('../dist/', import.meta.url);
if (!existsSync(fileURLToPath(new URL('agent/cli/main.js', dist)))) {
  console.error('kyso-agent: dist/ is missing; run `npm run build` first (npm start does it).');
  process.exit(1);
}
const { run } = await import(new URL('agent/cli/main.js', dist).href);
const { startDemoPortal } = await import(new URL('sdk/demo/serve.js', dist).href);

const initCode = await run(['demo-token', 'init']);
if (initCode !== 0) process.exit(initCode);

const portal = await startDemoPortal({ port: Number(process.env.KYSO_DEMO_PORT ?? 14480) }).catch((e) => {
  console.error(`Cổng demo không khởi động được / demo portal did not start: ${e instanceof Error ? e.message : e}`);
  return null;
});
if (portal) {
  console.error(`\nCổng dịch vụ công demo / demo portal: ${portal.url}`);
  console.error('Mở trang trên, đính kèm tệp PDF và bấm "Ký số" (PIN token demo ở trên) / open it, attach a PDF and press "Ký số".\n');
}
process.exitCode = await run(['start', '--dev', ...process.argv.slice(2)]);
await portal?.close();
