#!/usr/bin/env node
// `npm run package`: the self-contained Linux build of the headless agent, with no network at build time.
//   dist/packages/kyso-agent_<version>_linux-x64.tar.gz   the executable and what it loads beside it
//   dist/packages/kyso-agent_<version>_amd64.deb          the same under /usr/lib/kyso-agent, built with dpkg-deb
// The executable is a Node single-executable application: this machine's own Node binary with the bundled CLI
// injected by postject (docs/admin.md, "Linux package"). Run after `npm run build` (it needs dist/renderer-bundle).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { nativeHostManifests } from './package-manifests.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = pkg.version;
const out = join(root, 'dist', 'packages');
const work = join(out, 'work');
const LIB = 'usr/lib/kyso-agent';
const SYSTEM_DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const log = (m) => process.stderr.write(`package: ${m}\n`);
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], ...opts });

rmSync(out, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
if (!existsSync(join(root, 'dist', 'renderer-bundle', 'index.html'))) {
  throw new Error('dist/renderer-bundle is missing: run `npm run build` first');
}

// 1. The CLI as one CommonJS file. import.meta.url becomes the executable's own URL, so every file the agent
//    locates next to its code (renderer bundle, fonts, the pkcs11js addon) is found beside the executable.
log('bundling the CLI');
const bundle = join(work, 'kyso-agent.cjs');
await build({
  entryPoints: [join(root, 'agent', 'cli', 'sea-main.ts')],
  outfile: bundle,
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', legalComments: 'none',
  define: { 'import.meta.url': '__kysoImportMetaUrl' },
  // ws probes optional native helpers with require(), which a single executable cannot load: tell it not to.
  banner: { js: "const __kysoImportMetaUrl = require('node:url').pathToFileURL(process.execPath).href; process.env.WS_NO_BUFFER_UTIL ??= '1'; process.env.WS_NO_UTF_8_VALIDATE ??= '1';" },
  // Loaded at run time with createRequire from the folder beside the executable.
  external: ['pkcs11js', 'electron'],
});

// 2. The single-executable application: a stripped copy of this Node binary with the blob injected.
log('building the single executable');
const seaConfig = join(work, 'sea-config.json');
const blob = join(work, 'sea-prep.blob');
writeFileSync(seaConfig, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }));
sh(process.execPath, ['--experimental-sea-config', seaConfig], { cwd: work });
const exe = join(work, 'kyso-agent');
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
// strip warns about the notes of the Node build; the result is checked by the tests that run it.
sh('strip', ['--strip-all', exe], { stdio: ['ignore', 'ignore', 'ignore'] });
sh(process.execPath, [join(root, 'node_modules', 'postject', 'dist', 'cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);

// 3. The library folder: what the executable loads beside itself.
function stageLib(dir, systemFont) {
  mkdirSync(dir, { recursive: true });
  copyFileSync(exe, join(dir, 'kyso-agent'));
  chmodSync(join(dir, 'kyso-agent'), 0o755);
  // Native-messaging manifests name a program without arguments: this wrapper adds the subcommand.
  writeFileSync(join(dir, 'native-host'), '#!/bin/sh\n# Started by the browser for the kyso-agent extension (native messaging).\nexec /usr/lib/kyso-agent/kyso-agent native-host "$@"\n');
  chmodSync(join(dir, 'native-host'), 0o755);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: pkg.name, version, private: true }, null, 2)}\n`);
  cpSync(join(root, 'dist', 'renderer-bundle'), join(dir, 'renderer-bundle'), { recursive: true });
  // The document worker's script, found beside the executable (agent/signing/worker/locate.ts).
  copyFileSync(join(root, 'dist', 'agent', 'cli-bundle', 'document-worker.mjs'), join(dir, 'document-worker.mjs'));
  const p11 = join(root, 'node_modules', 'pkcs11js');
  const p11To = join(dir, 'node_modules', 'pkcs11js');
  mkdirSync(join(p11To, 'build', 'Release'), { recursive: true });
  for (const f of ['package.json', 'index.js', 'LICENSE']) copyFileSync(join(p11, f), join(p11To, f));
  const addon = join(p11To, 'build', 'Release', 'pkcs11.node');
  copyFileSync(join(p11, 'build', 'Release', 'pkcs11.node'), addon);
  chmodSync(addon, 0o644);
  sh('strip', ['--strip-unneeded', addon]);
  const font = join(root, 'node_modules', 'dejavu-fonts-ttf');
  const fontTo = join(dir, 'node_modules', 'dejavu-fonts-ttf');
  mkdirSync(join(fontTo, 'ttf'), { recursive: true });
  for (const f of ['package.json', 'LICENSE']) copyFileSync(join(font, f), join(fontTo, f));
  // The .deb uses Debian's copy of the same font (fonts-dejavu-core); the tarball carries its own.
  if (systemFont) symlinkSync(relative(`/${LIB}/node_modules/dejavu-fonts-ttf/ttf`, SYSTEM_DEJAVU), join(fontTo, 'ttf', 'DejaVuSans.ttf'));
  else copyFileSync(join(font, 'ttf', 'DejaVuSans.ttf'), join(fontTo, 'ttf', 'DejaVuSans.ttf'));
}

// 4. The tarball for distributions without dpkg: kyso-agent-<version>/ with the library folder's content.
log('writing the tarball');
const tarName = `kyso-agent-${version}`;
const tarDir = join(work, tarName);
stageLib(tarDir, false);
copyFileSync(join(root, 'installer', 'driver-catalog.json'), join(tarDir, 'driver-catalog.json'));
copyFileSync(join(root, 'installer', 'linux', 'policy.example.json'), join(tarDir, 'policy.example.json'));
const tarball = join(out, `kyso-agent_${version}_linux-x64.tar.gz`);
sh('tar', ['--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-czf', tarball, '-C', work, tarName]);

// 5. The Debian package.
log('writing the .deb');
const deb = join(work, 'deb');
stageLib(join(deb, LIB), true);
const put = (rel, content, mode = 0o644) => {
  const p = join(deb, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  chmodSync(p, mode);
};
const fromInstaller = (name) => readFileSync(join(root, 'installer', 'linux', name));
mkdirSync(join(deb, 'usr', 'bin'), { recursive: true });
symlinkSync('../lib/kyso-agent/kyso-agent', join(deb, 'usr', 'bin', 'kyso-agent'));
put('usr/lib/systemd/user/kyso-agent.service', fromInstaller('kyso-agent.service'));
put('etc/xdg/autostart/kyso-agent.desktop', fromInstaller('kyso-agent-autostart.desktop'));
const manifests = nativeHostManifests(root, `/${LIB}/native-host`);
for (const [rel, body] of Object.entries(manifests)) put(rel, `${JSON.stringify(body, null, 2)}\n`);
put('usr/share/kyso-agent/driver-catalog.json', readFileSync(join(root, 'installer', 'driver-catalog.json')));
put('usr/share/doc/kyso-agent/examples/policy.json', fromInstaller('policy.example.json'));
put('usr/share/doc/kyso-agent/copyright', fromInstaller('copyright'));
put('usr/share/doc/kyso-agent/changelog.gz', gzipSync(fromInstaller('changelog'), { level: 9 }));
put('usr/share/man/man1/kyso-agent.1.gz', gzipSync(fromInstaller('kyso-agent.1'), { level: 9 }));
put('usr/share/lintian/overrides/kyso-agent', fromInstaller('lintian-overrides'));

// Every file under /etc is a configuration file the admin may edit: dpkg keeps their changes.
const etcFiles = [];
const allFiles = [];
(function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile()) allFiles.push(relative(deb, p));
  }
})(deb);
for (const f of allFiles) if (f.startsWith('etc/')) etcFiles.push(`/${f}`);
const installedKiB = Math.ceil(allFiles.reduce((n, f) => n + statSync(join(deb, f)).size, 0) / 1024);

mkdirSync(join(deb, 'DEBIAN'), { recursive: true });
const control = readFileSync(join(root, 'installer', 'linux', 'control'), 'utf8')
  .replace('@VERSION@', version)
  .replace('@INSTALLED_SIZE@', String(installedKiB));
put('DEBIAN/control', control);
put('DEBIAN/conffiles', `${etcFiles.sort().join('\n')}\n`);
for (const script of ['postinst', 'prerm', 'postrm']) put(`DEBIAN/${script}`, fromInstaller(script), 0o755);
put('DEBIAN/md5sums', allFiles.filter((f) => !f.startsWith('etc/')).sort()
  .map((f) => `${createHash('md5').update(readFileSync(join(deb, f))).digest('hex')}  ${f}`).join('\n') + '\n');
const debFile = join(out, `kyso-agent_${version}_amd64.deb`);
sh('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', deb, debFile]);
rmSync(work, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ deb: relative(root, debFile), tarball: relative(root, tarball) })}\n`);
