// Unit tests of a `kyso-agent sign` run with a fake token service and fake document signers.
import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../core/errors.js';
import { DEFAULT_POLICY } from '../core/policy/policy.js';
import { makeCert } from '../core/testing/certs.js';
import { FakeDocuments } from '../core/testing/fake-documents.js';
import { FakeTokenService, type FakeTokenOptions } from '../core/testing/fake-token-service.js';
import { ManualClock, MemoryLogger } from '../core/testing/harness.js';
import { parseSignArgs } from './sign-args.js';
import { runSign, type SignEnvironment, type SignIo } from './sign.js';

const cert = makeCert({ thumbprintSha256: 'c1'.repeat(32) });

async function setup(files: Record<string, string>, tokenOptions: FakeTokenOptions = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'kyso-sign-unit-'));
  const paths: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    paths.push(join(dir, name));
    await writeFile(join(dir, name), content);
  }
  const tokens = new FakeTokenService({ certificates: [cert], ...tokenOptions });
  const documents = new FakeDocuments();
  const logger = new MemoryLogger();
  const environment: SignEnvironment = { logger, documents, clock: new ManualClock(), openTokens: async () => tokens };
  return { dir, paths, tokens, documents, logger, environment, outDir: join(dir, 'out') };
}

function capture(stdin: string | null): SignIo & { outText: () => string; errText: () => string } {
  let out = '';
  let err = '';
  const s = new PassThrough();
  if (stdin !== null) s.end(stdin);
  return { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), env: {}, stdin: s, tty: null, outText: () => out, errText: () => err };
}

describe('runSign', () => {
  it('run_threeGoodOneBroken_oneLoginAllSignedBrokenReported', async () => {
    const t = await setup({ 'a.pdf': '%PDF-1.7 a', 'b.pdf': '%PDF-1.7 b', 'broken.pdf': 'junk', 'c.pdf': '%PDF-1.7 c' });
    const io = capture('1234\n');
    const code = await runSign(parseSignArgs(['pdf', ...t.paths, '--cert', cert.thumbprintSha256, '--out', t.outDir, '--pin-stdin', '--invisible']), io, t.environment);
    expect(code).toBe(1);
    expect(t.tokens.calls.login).toBe(1);
    expect(t.tokens.calls.sign).toBe(3);
    expect(t.tokens.pinBuffers.every((b) => b.every((x) => x === 0))).toBe(true);
    expect((await readdir(t.outDir)).sort()).toEqual(['a-signed.pdf', 'b-signed.pdf', 'c-signed.pdf']);
    expect(io.outText()).toContain('Signed 3 of 4 files, 1 failed');
    expect(io.outText()).toContain('broken.pdf: DOCUMENT_INVALID — no %PDF- header');
    expect(io.errText()).toMatch(/\[4\/4\] OK/);
    expect(t.documents.pdfOptions[0]).toMatchObject({ fileName: 'a.pdf', level: 'B-B', appearance: { visible: false } });
    expect(await readFile(t.paths[0]!, 'utf8')).toBe('%PDF-1.7 a');
    expect(io.outText() + io.errText() + t.logger.text()).not.toContain('1234');
  });

  it('run_sha1WithPolicyRefuse_refusedBeforeThePin_warnSaysSo', async () => {
    const t = await setup({ 'a.xml': '<a/>' });
    const io = capture('1234\n');
    const refuse = { ...t.environment, policy: { ...DEFAULT_POLICY, signing: { ...DEFAULT_POLICY.signing, sha1: 'refuse' as const } } };
    const code = await runSign(parseSignArgs(['xml', ...t.paths, '--cert', cert.thumbprintSha256, '--out', t.outDir, '--pin-stdin', '--hash', 'SHA-1']), io, refuse);
    expect(code).toBe(1);
    expect(io.errText()).toContain('ALGORITHM_UNSUPPORTED');
    expect(t.tokens.calls.login).toBe(0);
    expect(t.tokens.calls.sign).toBe(0);
    const w = await setup({ 'a.xml': '<a/>' });
    const io2 = capture('1234\n');
    const warn = { ...w.environment, policy: { ...DEFAULT_POLICY, signing: { ...DEFAULT_POLICY.signing, sha1: 'warn' as const } } };
    expect(await runSign(parseSignArgs(['xml', ...w.paths, '--cert', cert.thumbprintSha256, '--out', w.outDir, '--pin-stdin', '--hash', 'SHA-1']), io2, warn)).toBe(0);
    expect(io2.errText()).toContain('SHA-1');
  });

  it('run_outDirWritableByOthers_refusedBeforeTheTokenIsOpened', async () => {
    const t = await setup({ 'a.xml': '<a/>' });
    await mkdir(t.outDir);
    await chmod(t.outDir, 0o777);
    const io = capture('1234\n');
    const code = await runSign(parseSignArgs(['xml', ...t.paths, '--cert', cert.thumbprintSha256, '--out', t.outDir, '--pin-stdin']), io, t.environment);
    expect(code).toBe(2);
    expect(io.errText()).toContain('others can write to the folder');
    expect(t.tokens.calls.login).toBe(0);
    expect(await readdir(t.outDir)).toEqual([]);
  });

  it('run_wrongPin_stopsAfterOneAttemptWithRetriesLeft', async () => {
    const t = await setup({ 'a.xml': '<a/>' }, { maxTries: 3 });
    const io = capture('9999\n');
    const code = await runSign(parseSignArgs(['xml', ...t.paths, '--cert', cert.thumbprintSha256, '--out', t.outDir, '--pin-stdin']), io, t.environment);
    expect(code).toBe(1);
    expect(t.tokens.calls.login).toBe(1);
    expect(t.tokens.calls.sign).toBe(0);
    expect(io.errText()).toContain('PIN_INCORRECT');
    expect(io.errText()).toContain('Few tries left');
    expect(await readdir(t.outDir)).toEqual([]);
  });

  it('run_finalTry_isAnnounced', async () => {
    const t = await setup({ 'a.xml': '<a/>' }, { maxTries: 2 });
    const io = capture('9999\n');
    expect(await runSign(parseSignArgs(['xml', ...t.paths, '--cert', cert.thumbprintSha256, '--out', t.outDir, '--pin-stdin']), io, t.environment)).toBe(1);
    expect(io.errText()).toContain('ONE try left');
  });

  it('run_alreadyLoggedIn_needsNoPin', async () => {
    const t = await setup({ 'd.bin': 'data' }, { loggedIn: true });
    const io = capture(null);
    const code = await runSign(parseSignArgs(['cms', ...t.paths, '--detached', '--cert', cert.thumbprintSha256, '--out', t.outDir]), io, t.environment);
    expect(code).toBe(0);
    expect(t.tokens.calls.login).toBe(0);
    expect(await readdir(t.outDir)).toEqual(['d.bin.p7s']);
    expect(t.documents.cmsOptions[0]).toMatchObject({ detached: true, hashAlgorithm: 'SHA-256' });
  });

  it('run_noPinStdinAndNotATerminal_isAUsageError', async () => {
    const t = await setup({ 'a.pdf': '%PDF-' });
    const io = capture('1234\n');
    expect(await runSign(parseSignArgs(['pdf', ...t.paths, '--cert', cert.thumbprintSha256, '--out', t.outDir]), io, t.environment)).toBe(2);
    expect(io.errText()).toContain('--pin-stdin');
    expect(t.tokens.calls.login).toBe(0);
  });

  it('run_unknownCertificate_isCertificateNotFound', async () => {
    const t = await setup({ 'a.pdf': '%PDF-' });
    const io = capture('1234\n');
    expect(await runSign(parseSignArgs(['pdf', ...t.paths, '--cert', 'ee'.repeat(32), '--out', t.outDir, '--pin-stdin']), io, t.environment)).toBe(1);
    expect(io.errText()).toContain('CERTIFICATE_NOT_FOUND');
  });

  it('run_tokenRemovedMidRun_stopsAndMarksTheRest', async () => {
    const t = await setup({ 'a.pdf': '%PDF-a', 'b.pdf': '%PDF-b', 'c.pdf': '%PDF-c' });
    t.tokens.failNext('sign', new AgentError('TOKEN_REMOVED', 'gone'));
    const io = capture('1234\n');
    expect(await runSign(parseSignArgs(['pdf', ...t.paths, '--cert', cert.thumbprintSha256, '--out', t.outDir, '--pin-stdin']), io, t.environment)).toBe(1);
    expect(t.tokens.calls.sign).toBe(1);
    expect(io.outText()).toContain('Signed 0 of 3 files, 3 failed');
    expect(io.outText()).toContain('c.pdf: TOKEN_REMOVED — không thực hiện / not attempted');
  });

  it('run_btWithoutTsa_isAUsageError_beforeTouchingTheToken', async () => {
    const t = await setup({ 'a.pdf': '%PDF-' });
    const io = capture('1234\n');
    expect(await runSign(parseSignArgs(['pdf', ...t.paths, '--level', 'B-T', '--cert', cert.thumbprintSha256, '--out', t.outDir, '--pin-stdin']), io, t.environment)).toBe(2);
    expect(t.tokens.calls.listCertificates).toBe(0);
  });

  it('run_alwaysAuthenticateKey_givesEachSignatureAFreshPinCopy', async () => {
    const t = await setup({ 'a.pdf': '%PDF-a', 'b.pdf': '%PDF-b' }, { alwaysAuthenticate: [cert.certId] });
    const io = capture('1234\n');
    expect(await runSign(parseSignArgs(['pdf', ...t.paths, '--cert', cert.thumbprintSha256, '--out', t.outDir, '--pin-stdin']), io, t.environment)).toBe(0);
    expect(t.tokens.calls.sign).toBe(2);
    expect(t.tokens.loginResults).toEqual([true, true, true]); // one login + one context login per signature
  });
});
