// cli-sign benchmark: `kyso-agent sign pdf` of a one-page PDF on the SoftHSM2 demo token, end to end (wall time of
// the whole process, median of 10), plus `--version` / `--help`, and where one run's time goes (child process:
// module load, token open, describe = parse, sign, write). Needs `npx tsc -p tsconfig.build.json` first.
// Usage: node bench/cli-sign.mjs [--runs N]   → writes bench/results/cli-sign.json
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { arg, root, stats, writeResult } from './lib/rpc-setup.mjs';

const runs = arg('runs', 10);
const bin = join(root, 'bin', 'kyso-agent.mjs');
const dist = (p) => join(root, 'dist', p);

/** A minimal valid one-page PDF (classic xref table). */
function onePagePdf() {
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'];
  let out = '%PDF-1.7\n';
  const offsets = [];
  objs.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// CPU time (user + system) of the child as /usr/bin/time reports it: on a loaded machine wall time mostly measures
// the other processes, CPU time what this process itself costs. null when /usr/bin/time is not installed.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Runs one child; returns its wall time and pushes its CPU time onto `cpu`. */
function wall(args, input, { entry = bin, cpu }) {
  const t0 = performance.now();
  const cmd = TIME ? [TIME, ['-f', 'kyso-cpu %U %S', process.execPath, entry, ...args]] : [process.execPath, [entry, ...args]];
  const r = spawnSync(cmd[0], cmd[1], { input, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`kyso-agent ${args.join(' ')} → ${r.status}: ${r.stderr}`);
  const m = /kyso-cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
  return ms;
}

const { demoTokenInit } = await import(dist('agent/demo/index.js'));
const dir = mkdtempSync(join(tmpdir(), 'kyso-bench-cli-'));
try {
  const dataDir = join(dir, 'data');
  const demo = await demoTokenInit({ dataDir });
  const thumb = demo.certificates.find((c) => c.name === 'citizen').thumbprintSha256;
  const pdf = join(dir, 'one-page.pdf');
  writeFileSync(pdf, onePagePdf());
  writeFileSync(join(dir, 'policy.json'), '{}');
  const base = ['--cert', thumb, '--pin-stdin', '--data-dir', dataDir, '--policy', join(dir, 'policy.json')];
  const signMs = [];
  const signCpuMs = [];
  const unbundledMs = [];
  const unbundledCpuMs = [];
  // The same command through the unbundled modules (dist/agent/cli/main.js), alternating with the bundle.
  const unbundled = join(dir, 'unbundled.mjs');
  writeFileSync(unbundled, `const { run } = await import(${JSON.stringify(dist('agent/cli/main.js'))});\nprocess.exitCode = await run(process.argv.slice(2));\n`);
  for (let i = 0; i < runs; i++) {
    const out = join(dir, `out-${i}`);
    mkdirSync(out);
    signMs.push(wall(['sign', 'pdf', pdf, '--out', out, ...base], `${demo.pin}\n`, { cpu: signCpuMs }));
    mkdirSync(`${out}-u`);
    unbundledMs.push(wall(['sign', 'pdf', pdf, '--out', `${out}-u`, ...base], `${demo.pin}\n`, { entry: unbundled, cpu: unbundledCpuMs }));
  }
  const nodeMs = [];
  const nodeCpuMs = [];
  for (let i = 0; i < runs; i++) nodeMs.push(wall(['0'], undefined, { entry: '-e', cpu: nodeCpuMs }));
  const versionMs = [];
  const helpMs = [];
  const versionCpuMs = [];
  const helpCpuMs = [];
  for (let i = 0; i < runs; i++) {
    versionMs.push(wall(['--version'], undefined, { cpu: versionCpuMs }));
    helpMs.push(wall(['--help'], undefined, { cpu: helpCpuMs }));
  }
  // Where one run goes, measured inside a child with the same modules the CLI loads.
  const phaseScript = `
    const t = [performance.now()];
    const { signCommand } = await import(${JSON.stringify(dist('agent/cli/sign.js'))});
    t.push(performance.now());
    const { createPkcs11TokenService } = await import(${JSON.stringify(dist('agent/pkcs11/index.js'))});
    const { createDocumentSigners } = await import(${JSON.stringify(dist('agent/signing/document-signers.js'))});
    const { loginForSigning, digestSignerFor } = await import(${JSON.stringify(dist('agent/core/signing/key.js'))});
    const { readFileSync, writeFileSync } = await import('node:fs');
    t.push(performance.now());
    process.env.SOFTHSM2_CONF = ${JSON.stringify(demo.conf)};
    const logger = { info() {}, warn() {}, error() {} };
    const tokens = createPkcs11TokenService({ modules: [{ name: 'demo', path: ${JSON.stringify(demo.module)}, source: 'demo' }], clock: { now: () => new Date() }, logger });
    const cert = (await tokens.listCertificates()).find((c) => c.thumbprintSha256 === ${JSON.stringify(thumb)});
    const auth = await tokens.authState(cert.certId);
    const ctx = await loginForSigning(tokens, auth, new TextEncoder().encode(${JSON.stringify(demo.pin)}));
    const signer = await digestSignerFor(tokens, cert, ctx);
    t.push(performance.now());
    const docs = createDocumentSigners();
    const input = new Uint8Array(readFileSync(${JSON.stringify(pdf)}));
    const d = await docs.describePdf(input);
    t.push(performance.now());
    const out = await docs.signPdf(d.plan, { fileName: 'one-page.pdf', hashAlgorithm: 'SHA-256', level: 'B-B', signingTime: new Date() }, signer);
    t.push(performance.now());
    writeFileSync(${JSON.stringify(join(dir, 'phase.pdf'))}, out);
    t.push(performance.now());
    await tokens.close();
    void signCommand;
    const ms = (a, b) => Math.round((t[b] - t[a]) * 100) / 100;
    console.log(JSON.stringify({ loadCliMs: ms(0, 1), loadRestMs: ms(1, 2), tokenOpenLoginMs: ms(2, 3), parseMs: ms(3, 4), signMs: ms(4, 5), writeMs: ms(5, 6) }));
  `;
  const phases = [];
  for (let i = 0; i < Math.min(runs, 5); i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', phaseScript], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    phases.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  const median = (k) => stats(phases.map((p) => p[k])).p50;
  writeResult('cli-sign', {
    benchmark: 'cli-sign',
    signPdfWallMs: stats(signMs),
    signPdfCpuMs: signCpuMs.length ? stats(signCpuMs) : null,
    unbundled: { signPdfWallMs: stats(unbundledMs), signPdfCpuMs: unbundledCpuMs.length ? stats(unbundledCpuMs) : null },
    nodeBaselineCpuMs: nodeCpuMs.length ? stats(nodeCpuMs) : null,
    versionWallMs: stats(versionMs),
    helpWallMs: stats(helpMs),
    versionCpuMs: versionCpuMs.length ? stats(versionCpuMs) : null,
    helpCpuMs: helpCpuMs.length ? stats(helpCpuMs) : null,
    nodeBaselineWallMs: stats(nodeMs),
    phasesMedianMs: { loadCli: median('loadCliMs'), loadRest: median('loadRestMs'), tokenOpenAndLogin: median('tokenOpenLoginMs'), parse: median('parseMs'), sign: median('signMs'), write: median('writeMs') },
    target: { signPdfWallMs: 350, versionWallMs: 150, helpWallMs: 150 },
    loadAverage1m: Math.round(loadavg()[0] * 10) / 10,
    cpus: (await import('node:os')).cpus().length,
    note: 'cpu = user + system time of the child (/usr/bin/time), the figure that means something on a loaded machine; unbundled = the same command through dist/agent/cli/main.js in the same run; wall = the whole `node bin/kyso-agent.mjs …` process (median of runs); phases from a child loading the same dist modules; machine load from other processes adds to every figure (nodeBaselineWallMs is `node -e 0`)',
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
