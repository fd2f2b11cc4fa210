#!/usr/bin/env node
// `npm start`: the demo token, the agent (--dev, dialogs in the browser) and the demo portal on http://localhost:14480.
// Extra arguments go to `kyso-agent start` (e.g. `npm start -- --lang en`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
