// Builds the browser SDK single file (sdk/dist/kyso-agent.js + .min.js, global KysoAgent) and the demo portal
// bundle (sdk/dist/demo/), and reports the SDK's min+gzip size (target ≤ 15 KB).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sdkOnly = process.argv.includes('--sdk-only');

const common = {
  entryPoints: [join(root, 'sdk/src/global.ts')],
  bundle: true,
  format: 'iife',
  globalName: 'KysoAgent',
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  logLevel: 'warning',
};
const banner = { js: '/*! kyso-agent browser SDK — Apache-2.0 — defines the global KysoAgent */' };
await build({ ...common, outfile: join(root, 'sdk/dist/kyso-agent.js'), banner });
await build({ ...common, outfile: join(root, 'sdk/dist/kyso-agent.min.js'), minify: true, banner });

const min = readFileSync(join(root, 'sdk/dist/kyso-agent.min.js'));
const gz = gzipSync(min, { level: 9 }).length;
const report = { sdk: 'sdk/dist/kyso-agent.min.js', minBytes: min.length, minGzipBytes: gz, targetBytes: 15 * 1024 };
console.log(JSON.stringify(report));
if (gz > 15 * 1024) {
  console.error(`kyso-agent.min.js is ${gz} bytes min+gzip, over the 15 KB budget`);
  process.exitCode = 1;
}

if (!sdkOnly && existsSync(join(root, 'sdk/demo/demo.ts'))) {
  // Under sdk/dist/ (already git- and lint-ignored), served at /demo/dist/ by sdk/demo/serve.ts.
  const out = join(root, 'sdk/dist/demo');
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(root, 'sdk/demo/demo.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    outfile: join(out, 'demo.js'),
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // pdf.js renders in a worker: ship the npm package's worker next to the bundle (no CDN).
  copyFileSync(join(root, 'node_modules/pdfjs-dist/build/pdf.worker.min.mjs'), join(out, 'pdf.worker.min.mjs'));
}
