// The document worker's script (docs/architecture.md, "Document worker"): agent/signing/worker/entry.ts with
// everything it imports in one self-contained ESM file. scripts/build-cli.mjs puts it beside the CLI bundle; tests
// that run the agent from its sources build their own with `node scripts/build-document-worker.mjs OUTFILE`.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The CommonJS libraries inside an ESM bundle still call require(): give every chunk one. */
export const ESM_REQUIRE_BANNER = "import { createRequire as __kysoCreateRequire } from 'node:module'; const require = __kysoCreateRequire(import.meta.url);";

export async function buildDocumentWorker(outfile) {
  await build({
    entryPoints: [join(root, 'agent', 'signing', 'worker', 'entry.ts')],
    outfile,
    bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', legalComments: 'none',
    banner: { js: ESM_REQUIRE_BANNER },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv[2]) throw new Error('usage: node scripts/build-document-worker.mjs OUTFILE');
  await buildDocumentWorker(process.argv[2]);
}
