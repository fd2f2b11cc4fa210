#!/usr/bin/env node
// Builds the independent validators the native tests call (never our own code):
// - Python tools (pyHanko …) into a venv inside the project, `.venv/`, from native-tests/validators/requirements.txt;
// - Java tools (EU DSS, Apache POI …): every native-tests/validators/<name>/pom.xml is packaged with Maven
//   (artefacts from Maven Central into ~/.m2), giving native-tests/validators/<name>/target/<name>.jar.
// Idempotent: a stamp of each input's content skips work already done. With CI=true a failure fails the run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'native-tests', 'validators');
const venv = join(root, '.venv');

const stamp = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) {
    console.error(`kyso-agent setup-validators: ${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
};

// Python: one venv for every Python validator.
const req = join(dir, 'requirements.txt');
if (existsSync(req)) {
  const want = stamp(req);
  const mark = join(venv, '.kyso-stamp');
  if (!existsSync(mark) || readFileSync(mark, 'utf8') !== want) {
    if (!existsSync(join(venv, 'bin', 'python'))) run('python3', ['-m', 'venv', venv]);
    run(join(venv, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', '-r', req]);
    writeFileSync(mark, want);
  }
}

// Java: one Maven project per folder.
for (const name of existsSync(dir) ? readdirSync(dir) : []) {
  const pom = join(dir, name, 'pom.xml');
  if (!existsSync(pom)) continue;
  const srcStamp = createHash('sha256');
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'target') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else srcStamp.update(p).update(readFileSync(p));
    }
  };
  walk(join(dir, name));
  const want = srcStamp.digest('hex');
  const mark = join(dir, name, 'target', '.kyso-stamp');
  if (existsSync(mark) && readFileSync(mark, 'utf8') === want) continue;
  run('mvn', ['-q', '-B', '-DskipTests', 'package'], { cwd: join(dir, name) });
  writeFileSync(mark, want);
}
