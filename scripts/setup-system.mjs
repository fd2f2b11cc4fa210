#!/usr/bin/env node
// Installs the system packages kyso-agent needs (Debian/Ubuntu, as root), or says exactly which are missing.
// `--for start` needs only what the demo token uses; the default (`--for test`) is everything the tests use.
// In CI (CI=true) a missing part is a failure, never a silent skip.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const NEEDS = {
  start: [
    { pkg: 'softhsm2', check: ['/usr/bin/softhsm2-util'] },
    { pkg: 'libnss3-tools', check: ['/usr/bin/certutil', '/usr/bin/pk12util'] },
    { pkg: 'openssl', check: ['/usr/bin/openssl'] },
  ],
  test: [
    { pkg: 'softhsm2', check: ['/usr/bin/softhsm2-util'] },
    { pkg: 'libnss3-tools', check: ['/usr/bin/certutil', '/usr/bin/pk12util'] },
    { pkg: 'opensc', check: ['/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so', '/usr/bin/pkcs11-tool'] },
    { pkg: 'poppler-utils', check: ['/usr/bin/pdfsig', '/usr/bin/pdftotext', '/usr/bin/pdftoppm'] },
    { pkg: 'qpdf', check: ['/usr/bin/qpdf'] },
    { pkg: 'xmlsec1', check: ['/usr/bin/xmlsec1'] },
    { pkg: 'openssl', check: ['/usr/bin/openssl'] },
    { pkg: 'chromium', check: ['/usr/bin/chromium'] },
    // The Linux package and the installer checks (native-tests/installer).
    { pkg: 'dpkg-dev', check: ['/usr/bin/dpkg-deb', '/usr/bin/dpkg-shlibdeps'] },
    { pkg: 'binutils', check: ['/usr/bin/strip'] },
    { pkg: 'lintian', check: ['/usr/bin/lintian'] },
    { pkg: 'fonts-dejavu-core', check: ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'] },
    { pkg: 'curl', check: ['/usr/bin/curl'] },
    { pkg: 'nsis', check: ['/usr/bin/makensis'] },
    { pkg: 'shellcheck', check: ['/usr/bin/shellcheck'] },
    // Office signatures (native-tests/office): LibreOffice opens every signed file; Maven + a JDK build the POI verifier.
    { pkg: 'libreoffice-writer-nogui', check: ['/usr/bin/soffice', '/usr/lib/libreoffice/program/libswlo.so'] },
    { pkg: 'libreoffice-calc-nogui', check: ['/usr/lib/libreoffice/program/libsclo.so'] },
    { pkg: 'libreoffice-impress-nogui', check: ['/usr/lib/libreoffice/program/libslideshowlo.so'] },
    { pkg: 'maven', check: ['/usr/bin/mvn'] },
    { pkg: 'openjdk-17-jdk-headless', check: ['/usr/bin/javac'] },
    // The extension's store zips are read back with an independent unzip (native-tests/extension).
    { pkg: 'unzip', check: ['/usr/bin/unzip'] },
  ],
};

const which = process.argv.includes('--for') ? process.argv[process.argv.indexOf('--for') + 1] : 'test';
const wanted = NEEDS[which] ?? NEEDS.test;
const missing = () => wanted.filter((n) => !n.check.every((p) => existsSync(p))).map((n) => n.pkg);

let todo = missing();
if (todo.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (process.platform === 'linux' && hasApt && isRoot) {
  console.error(`kyso-agent setup: installing ${todo.join(' ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...todo], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (r.status !== 0) console.error(`kyso-agent setup: apt-get exited with ${r.status}`);
  todo = missing();
  if (todo.length === 0) process.exit(0);
}

const how = process.platform === 'linux' && hasApt
  ? `sudo apt-get install ${todo.join(' ')}`
  : `install the equivalents of the Debian packages: ${todo.join(', ')}`;
console.error(`kyso-agent setup: missing system packages: ${todo.join(', ')}.\n  To fix: ${how}`);
process.exit(1);
