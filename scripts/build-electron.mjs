// Bundles the Electron shell (agent/electron) to CommonJS: dist/electron/main.cjs and the sandboxed preload.cjs.
// Runs without the Electron binary (it is never downloaded here); electron-builder packages the result.
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The agent is ESM and locates files with import.meta.url; in the CJS bundle that becomes the bundle's own URL.
const common = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', legalComments: 'none',
  define: { 'import.meta.url': '__kysoImportMetaUrl' },
  banner: { js: "const __kysoImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

await build({
  ...common,
  entryPoints: [join(root, 'agent', 'electron', 'entry.ts')],
  outfile: join(root, 'dist', 'electron', 'main.cjs'),
  // Native addons and electron itself are loaded at run time from node_modules / the Electron runtime.
  external: ['electron', 'pkcs11js'],
});
await build({
  ...common,
  entryPoints: [join(root, 'agent', 'electron', 'preload.ts')],
  outfile: join(root, 'dist', 'electron', 'preload.cjs'),
  external: ['electron'],
});
// The document worker beside main.cjs, where agent/signing/worker/locate.ts looks (built by scripts/build-cli.mjs).
copyFileSync(join(root, 'dist', 'agent', 'cli-bundle', 'document-worker.mjs'), join(root, 'dist', 'electron', 'document-worker.mjs'));
