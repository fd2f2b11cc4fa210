// Bundles renderer/ (plain TypeScript + CSS + HTML) with esbuild into dist/renderer-bundle/{index.html,assets/app.{js,css}}.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the bundle into `outDir` (default dist/renderer-bundle). Returns the output directory. */
export async function buildRenderer(outDir = join(root, 'dist', 'renderer-bundle')) {
  const assets = join(outDir, 'assets');
  await mkdir(assets, { recursive: true });
  await build({
    entryPoints: [join(root, 'renderer', 'main.ts')],
    outfile: join(assets, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(root, 'renderer', 'styles.css'), join(assets, 'app.css'));
  // pdf.js for the confirmation's page preview (docs/security.md T24): the legacy build, served by the agent itself.
  const pdfjs = join(root, 'node_modules', 'pdfjs-dist', 'legacy', 'build');
  await copyFile(join(pdfjs, 'pdf.min.mjs'), join(assets, 'pdf.mjs'));
  await copyFile(join(pdfjs, 'pdf.worker.min.mjs'), join(assets, 'pdf.worker.mjs'));
  await copyFile(join(root, 'renderer', 'index.html'), join(outDir, 'index.html'));
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildRenderer(process.argv[2]);
  console.log(`renderer bundle: ${out}`);
}
