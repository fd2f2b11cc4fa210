// `kyso-agent sign pdf|xml|cms|office FILE... --cert … --out DIR`: local batch signing with one PIN for the whole run.
import { COMMAND_TEXTS } from './texts.js';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError, isAgentError, type Reason } from '../core/errors.js';
import type { Clock, DocumentSigners, Logger, TokenService } from '../core/ports.js';
import { digestSignerFor, loginForSigning } from '../core/signing/key.js';
import type { Cert } from '../core/types.js';
// The headless runtime's parts one by one, not its index: `sign` must not load the agent's server, TLS and UI.
import { resolveDataDir, resolvePolicyPath } from '../headless/data-dir.js';
import { createFileLogger } from '../headless/file-logger.js';
import { planModules } from '../headless/modules.js';
import { loadPolicy } from '../headless/policy-file.js';
import { createCertificateStatus } from '../certs/status/index.js';
import { DEFAULT_POLICY, type Policy } from '../core/policy/policy.js';
import { checkBeforeSigning } from '../core/status/gate.js';
import type { CertificateStatus } from '../core/status/port.js';
import { createPkcs11TokenService } from '../pkcs11/index.js';
import { createDocumentSigners } from '../signing/document-signers.js';
import { EXIT, errorText, type CliIo, type Subcommand } from './io.js';
import { parseSignArgs, SIGN_USAGE, timestampUrl, UsageError, type SignRun } from './sign-args.js';
import { signOne } from './sign-formats.js';
import { nodeOutputFs, outputDirProblem, outputName, writeNew, type OutputFs } from './sign-output.js';
import { promptPinOnTerminal, readPinLine, type PinInput } from './sign-pin.js';
import { plainProgress, ttyProgress, type Progress, type ProgressSink } from './sign-progress.js';

/** CliIo plus what signing needs from the terminal. Defaults: process.stdin, and process.stderr when it is a TTY. */
export interface SignIo extends CliIo {
  stdin?: PinInput;
  /** stderr when it is a terminal (progress bar, PIN prompt); null for plain lines. */
  tty?: ProgressSink | null;
}

/** What a run needs from the machine; tests replace it with fakes. */
export interface SignEnvironment {
  logger: Logger & { close?(): void };
  /** The policy's TSA, used for `--level B-T` without `--tsa`. */
  policyTsa?: string;
  /** Policy office.allowMacros (default false). */
  allowMacros?: boolean;
  openTokens(): Promise<TokenService>;
  documents: DocumentSigners;
  clock: Clock;
  fs?: OutputFs;
  /** Policy for the status and key-strength checks (default: DEFAULT_POLICY). */
  policy?: Policy;
  /** Certificate status before signing (absent: unknown, handled per policy). */
  status?: CertificateStatus;
}

export interface ItemResult {
  file: string;
  ok: boolean;
  output?: string;
  reason?: Reason;
  detail?: string;
}

/** After these the token is gone or unusable: the remaining files are not attempted. */
const STOP_REASONS: ReadonlySet<Reason> = new Set<Reason>(['TOKEN_REMOVED', 'TOKEN_NOT_PRESENT', 'PIN_LOCKED', 'PIN_INCORRECT', 'MODULE_ERROR', 'KEY_NOT_FOUND']);

/** Bilingual text for PIN errors, including what the token says about retries left. */
export function pinMessage(e: AgentError): string {
  const status = e.data.pinStatus;
  const tail = status === 'finalTry'
    ? ' Chỉ còn MỘT lần thử: nhập sai nữa token sẽ bị khoá. / ONE try left: another wrong PIN locks the token.'
    : status === 'countLow'
      ? ' Còn ít lần thử. / Few tries left.'
      : '';
  switch (e.reason) {
    case 'PIN_INCORRECT': return `PIN_INCORRECT: Sai mã PIN, không thử lại tự động. / Wrong PIN, not retried.${tail}`;
    case 'PIN_LOCKED': return 'PIN_LOCKED: Mã PIN đã bị khoá. / The PIN is locked.';
    case 'PIN_LENGTH_INVALID': return `PIN_LENGTH_INVALID: ${e.message}`;
    default: return `${e.reason}: ${e.message}`;
  }
}

function describeError(e: unknown): { reason: Reason; detail?: string } {
  if (isAgentError(e)) {
    const out: { reason: Reason; detail?: string } = { reason: e.reason };
    const detail = e.data.detail ?? (e.message !== e.reason ? e.message : undefined);
    if (detail !== undefined) out.detail = detail;
    return out;
  }
  return { reason: 'INTERNAL', detail: errorText(e) };
}

function certLine(c: Cert): string {
  return `${c.subject.commonName} — ${c.issuer.commonName} (SHA-256 ${c.thumbprintSha256.slice(0, 16)}…)`;
}

/** The certificate named by --cert, usable for signing (else CERTIFICATE_NOT_FOUND / KEY_NOT_FOUND). */
async function findCertificate(tokens: TokenService, thumbprint: string): Promise<Cert> {
  const hits = (await tokens.listCertificates()).filter((c) => c.thumbprintSha256.toLowerCase() === thumbprint);
  const cert = hits.find((c) => c.hasPrivateKey) ?? hits[0];
  if (!cert) throw new AgentError('CERTIFICATE_NOT_FOUND', 'Không tìm thấy chứng thư số trên token nào / No present token has this certificate');
  if (!cert.hasPrivateKey) throw new AgentError('KEY_NOT_FOUND', 'Chứng thư số không có khoá bí mật trên token / The certificate has no private key on the token');
  if (cert.status !== 'valid') {
    throw new AgentError('CERTIFICATE_NOT_FOUND', cert.status === 'expired' ? 'Chứng thư số đã hết hạn / The certificate has expired' : 'Chứng thư số chưa có hiệu lực / The certificate is not yet valid');
  }
  return cert;
}

/** Production wiring: data dir, policy, CLI log file, module discovery as the headless agent does it. */
export async function defaultSignEnvironment(plan: SignRun, env: NodeJS.ProcessEnv): Promise<SignEnvironment> {
  const dataDir = resolveDataDir(plan.dataDir, env);
  const loaded = await loadPolicy(resolvePolicyPath(plan.policy, env));
  const logger = createFileLogger({ dir: join(dataDir, 'logs', 'cli') });
  const clock: Clock = { now: () => new Date() };
  const out: SignEnvironment = {
    logger,
    clock,
    documents: createDocumentSigners(),
    async openTokens() {
      const modules = await planModules(dataDir, loaded.policy, logger, env);
      // SoftHSM2 reads SOFTHSM2_CONF from the real process environment at C_Initialize.
      if (modules.demo && env !== process.env) process.env.SOFTHSM2_CONF = modules.demo.conf;
      return createPkcs11TokenService({ modules: modules.modules, clock, logger, idleMinutes: loaded.policy.signing.pinSessionMinutes });
    },
  };
  if (loaded.policy.tsa) out.policyTsa = loaded.policy.tsa.url;
  out.policy = loaded.policy;
  out.status = (await createCertificateStatus({ dataDir, policy: loaded.policy, logger })).service;
  out.allowMacros = loaded.policy.office.allowMacros;
  return out;
}

/** Gets the run's PIN: stdin's first line with --pin-stdin, else the terminal with echo off. */
async function obtainPin(plan: SignRun, io: SignIo, cert: Cert): Promise<Uint8Array> {
  const stdin = io.stdin ?? (process.stdin as unknown as PinInput);
  if (plan.pinStdin) return readPinLine(stdin);
  if (!stdin.isTTY) {
    throw new UsageError('Cần PIN nhưng stdin không phải terminal: dùng --pin-stdin / A PIN is needed but stdin is not a terminal: use --pin-stdin');
  }
  const out = io.tty ?? { write: (t: string) => void process.stderr.write(t) };
  return promptPinOnTerminal(stdin, out, `PIN cho / for ${cert.subject.commonName}: `);
}

/** Runs a parsed plan. Exit code: 0 all signed, 1 any failure, 2 usage. */
export async function runSign(plan: SignRun, io: SignIo, environment: SignEnvironment): Promise<number> {
  const { logger, documents, clock } = environment;
  let tsa: string | undefined;
  try {
    tsa = timestampUrl(plan, environment.policyTsa);
  } catch (e) {
    io.err(`${errorText(e)}\n${SIGN_USAGE}`);
    return EXIT.usage;
  }
  const tty = io.tty === undefined ? (process.stderr.isTTY ? { write: (t: string) => void process.stderr.write(t), columns: process.stderr.columns } : null) : io.tty;
  const progress: Progress = tty ? ttyProgress(tty) : plainProgress((t) => io.err(t));
  let tokens: TokenService | undefined;
  let contextPin: Uint8Array | null | undefined;
  const results: ItemResult[] = [];
  try {
    await mkdir(plan.outDir, { recursive: true, mode: 0o700 });
    const outProblem = await outputDirProblem(plan.outDir);
    if (outProblem) throw new UsageError(outProblem);
    tokens = await environment.openTokens();
    const tokenService = tokens;
    const cert = await findCertificate(tokenService, plan.thumbprint);
    io.err(`Ký bằng / Signing with: ${certLine(cert)}`);
    // Key strength and certificate status before the PIN: a revoked certificate never reaches C_Sign (T20).
    const gate = { tokens: tokenService, policy: environment.policy ?? DEFAULT_POLICY, logger, ...(environment.status ? { status: environment.status } : {}) };
    const notice = await checkBeforeSigning(gate, cert);
    // Policy signing.sha1 holds for the command line as for the agent (docs/security.md T26).
    if (plan.hashAlgorithm === 'SHA-1') {
      if (gate.policy.signing.sha1 === 'refuse') throw new AgentError('ALGORITHM_UNSUPPORTED', 'SHA-1 is refused by policy', { detail: 'SHA-1 signatures are refused by the admin policy (signing.sha1)' });
      if (gate.policy.signing.sha1 === 'warn') io.err('Cảnh báo: SHA-1 là thuật toán băm cũ, kém an toàn / Warning: SHA-1 is a legacy, weak hash algorithm');
      logger.warn('signing.sha1', { policy: gate.policy.signing.sha1 });
    }
    if (notice) io.err(`Cảnh báo: chưa xác nhận được trạng thái chứng thư số (${notice.detail}) / Warning: the certificate status could not be confirmed`);
    const auth = await tokenService.authState(cert.certId);
    if (auth.pinStatus === 'locked') throw new AgentError('PIN_LOCKED', 'PIN locked', { pinStatus: 'locked' });
    if (auth.loginRequired || auth.alwaysAuthenticate) {
      let pin: Uint8Array | null;
      if (auth.pinpad) {
        io.err('Nhập PIN trên đầu đọc thẻ / Enter the PIN on the reader');
        pin = null;
      } else {
        pin = await obtainPin(plan, io, cert);
      }
      // CKA_ALWAYS_AUTHENTICATE keys need the PIN for each signature: a copy lives until the run ends, then is zeroed.
      contextPin = await loginForSigning(tokenService, auth, pin);
    }
    const signer = await digestSignerFor(tokenService, cert, contextPin);
    logger.info('cli.sign.start', { format: plan.format, files: plan.files.length, tsa: tsa !== undefined });
    let stop: { reason: Reason; detail?: string } | undefined;
    for (const [i, file] of plan.files.entries()) {
      let result: ItemResult;
      if (stop) {
        result = { file, ok: false, reason: stop.reason, detail: 'không thực hiện / not attempted' };
      } else {
        try {
          let input: Uint8Array;
          try {
            input = await readFile(file);
          } catch (e) {
            throw new AgentError('DOCUMENT_INVALID', 'unreadable', { detail: 'không đọc được tệp / cannot read the file' }, errorText(e));
          }
          const signed = await signOne(plan, file, input, tsa, documents, signer, clock, environment.allowMacros === true, environment.status);
          const output = await writeNew(plan.outDir, outputName(plan.format, file, plan.cms.detached), signed, environment.fs ?? nodeOutputFs);
          result = { file, ok: true, output };
        } catch (e) {
          result = { file, ok: false, ...describeError(e) };
          if (STOP_REASONS.has(result.reason!)) stop = { reason: result.reason! };
          if (isAgentError(e) && e.logDetail) logger.warn('cli.sign.item-detail', { index: i, reason: e.reason, detail: e.logDetail });
        }
      }
      results.push(result);
      logger.info('cli.sign.item', { index: i, ok: result.ok, reason: result.reason });
      progress.step(i + 1, plan.files.length, result.ok ? `OK  ${file} → ${result.output}` : `LỖI/FAILED  ${file}: ${result.reason}${result.detail ? ` — ${result.detail}` : ''}`);
    }
    progress.end();
  } catch (e) {
    progress.end();
    if (e instanceof UsageError) {
      io.err(e.message);
      return EXIT.usage;
    }
    const d = describeError(e);
    logger.warn('cli.sign.failed', { reason: d.reason });
    io.err(`kyso-agent sign: ${isAgentError(e) ? pinMessage(e) : `${d.reason}: ${d.detail ?? ''}`}`);
    if (isAgentError(e) && d.detail && e.data.detail) io.err(`  ${e.data.detail}`);
    return EXIT.failure;
  } finally {
    contextPin?.fill(0);
    if (tokens) {
      await tokens.logout().catch(() => undefined);
      await tokens.close().catch(() => undefined);
    }
  }
  const ok = results.filter((r) => r.ok).length;
  const failed = results.length - ok;
  io.out(`Đã ký ${ok}/${results.length} tệp, lỗi ${failed} / Signed ${ok} of ${results.length} files, ${failed} failed`);
  for (const r of results) if (!r.ok) io.out(`  ${r.file}: ${r.reason}${r.detail ? ` — ${r.detail}` : ''}`);
  logger.info('cli.sign.done', { ok, failed });
  return failed === 0 ? EXIT.ok : EXIT.failure;
}

export const signCommand: Subcommand = {
  ...COMMAND_TEXTS.sign,
  async run(argv: string[], io: CliIo): Promise<number> {
    let plan: SignRun;
    try {
      plan = parseSignArgs(argv);
    } catch (e) {
      io.err(`${errorText(e)}\n${SIGN_USAGE}`);
      return EXIT.usage;
    }
    let environment: SignEnvironment;
    try {
      environment = await defaultSignEnvironment(plan, io.env);
    } catch (e) {
      io.err(`kyso-agent sign: ${errorText(e)}`);
      return EXIT.failure;
    }
    try {
      return await runSign(plan, io as SignIo, environment);
    } finally {
      environment.logger.close?.();
    }
  },
};
