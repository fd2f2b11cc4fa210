#!/usr/bin/env node
// `npm start`'s build step: rebuilds dist/ only when a source, build script or the lock file changed since the last
// build (a content hash kept in dist/.build-stamp), and keeps the build's chatter off the terminal unless it fails.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = ['agent', 'renderer', 'sdk', 'extension', 'scripts', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const SKIP = new Set(['node_modules', 'dist', '.venv', 'target']);
const STAMP = join(ROOT, 'dist', '.build-stamp');

/** A hash over every input file's path and content, in a fixed order. */
export function sourceHash(root = ROOT) {
  const h = createHash('sha256');
  const walk = (p) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!SKIP.has(name)) walk(join(p, name));
    } else if (st.isFile()) {
      h.update(relative(root, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  for (const i of INPUTS) if (existsSync(join(root, i))) walk(join(root, i));
  return h.digest('hex');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--stamp')) {
  // The last step of `npm run build`: what was just built is up to date, so the next `npm start` skips the build.
  writeFileSync(STAMP, sourceHash() + '\n');
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const hash = sourceHash();
  const fresh = existsSync(STAMP) && existsSync(join(ROOT, 'dist', 'agent', 'cli', 'main.js')) && readFileSync(STAMP, 'utf8').trim() === hash;
  if (!fresh) {
    process.stderr.write('kyso-agent: đang build / building… ');
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) {
      process.stderr.write('\n' + (r.stdout ?? '') + (r.stderr ?? ''));
      process.exit(r.status ?? 1);
    }
    writeFileSync(STAMP, hash + '\n');
    process.stderr.write('xong / done\n');
  }
}
