// Runs scripts/build-sdk.mjs only when sdk/dist is older than its sources. The e2e harness runs this under
// `flock`, so parallel test files never rewrite sdk/dist while another one is loading it in Chromium.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const mtime = (f) => statSync(f).mtimeMs;
const filesIn = (dir) => readdirSync(join(root, dir)).filter((f) => /\.(ts|html|css)$/.test(f)).map((f) => join(root, dir, f));
const sources = [...filesIn('sdk/src'), ...filesIn('sdk/demo'), join(root, 'scripts/build-sdk.mjs')];
const outputs = ['sdk/dist/kyso-agent.js', 'sdk/dist/kyso-agent.min.js', 'sdk/dist/demo/demo.js', 'sdk/dist/demo/pdf.worker.min.mjs'].map((f) => join(root, f));
const stale = outputs.some((f) => !existsSync(f)) || Math.max(...sources.map(mtime)) > Math.min(...outputs.map(mtime));
if (stale) execFileSync(process.execPath, [join(root, 'scripts/build-sdk.mjs')], { stdio: 'inherit' });
