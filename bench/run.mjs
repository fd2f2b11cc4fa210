// `npm run bench`: runs every bench/*.mjs (except this file) one after another; each writes bench/results/<name>.json.
// Benchmarks report numbers and never fail on time; a benchmark that crashes makes the exit code non-zero.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
const summary = [];
for (const f of files) {
  const t0 = Date.now();
  console.error(`\n── bench ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, f)], { stdio: 'inherit' });
  summary.push({ bench: f, status: r.status === 0 ? 'ok' : `failed (${r.status ?? r.signal})`, seconds: Math.round((Date.now() - t0) / 100) / 10 });
}
console.error('\n── summary');
for (const s of summary) console.error(`  ${s.bench.padEnd(24)} ${s.status.padEnd(12)} ${s.seconds}s`);
process.exitCode = summary.some((s) => s.status !== 'ok') ? 1 : 0;
