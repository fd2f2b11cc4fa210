// Builds dist/extension only when it is older than its sources. The harness runs this under `flock`, so one test
// file never rewrites the extension while another one's Chromium has it loaded.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const mtime = (f) => statSync(f).mtimeMs;
const sources = [
  ...readdirSync(join(root, 'extension', 'src')).map((f) => join(root, 'extension', 'src', f)),
  join(root, 'extension', 'manifest.json'), join(root, 'extension', 'ids.json'), join(root, 'package.json'),
  join(root, 'agent', 'core', 'protocol', 'relay.ts'), join(root, 'scripts', 'build-extension.mjs'),
];
const outputs = ['chromium', 'firefox'].flatMap((b) => ['background.js', 'content.js', 'shim.js', 'manifest.json'].map((f) => join(root, 'dist', 'extension', b, f)));
const stale = outputs.some((f) => !existsSync(f)) || Math.max(...sources.map(mtime)) > Math.min(...outputs.map(mtime));
if (stale) execFileSync(process.execPath, [join(root, 'scripts', 'build-extension.mjs')], { stdio: 'inherit' });
