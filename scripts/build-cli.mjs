// Bundles the command line (agent/cli/main.ts) into dist/agent/cli-bundle/: a few ESM files instead of hundreds
// of modules, so a short command (`kyso-agent sign pdf …`) does not spend its time resolving and reading files
// (docs/architecture.md, "Start-up"). Each subcommand stays a lazily loaded chunk, so --help loads none of them.
// The folder sits at the same depth as dist/agent/cli/, so the paths the agent finds from import.meta.url
// (renderer bundle, bin/, node_modules) resolve the same from either.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESM_REQUIRE_BANNER, buildDocumentWorker } from './build-document-worker.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'agent', 'cli-bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'agent', 'cli', 'main.ts')],
  outdir,
  bundle: true, splitting: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', legalComments: 'none',
  banner: { js: ESM_REQUIRE_BANNER },
  // The PKCS#11 addon is native (so is ws's optional masking helper); electron is never part of the CLI.
  external: ['pkcs11js', 'electron', 'bufferutil'],
});
// The document worker's thread (docs/architecture.md, "Document worker"): one self-contained file beside the bundle,
// found by agent/signing/worker/locate.ts; the packages (scripts/package.mjs) and the Electron shell copy it.
await buildDocumentWorker(join(outdir, 'document-worker.mjs'));
