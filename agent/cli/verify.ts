// `kyso-agent verify FILE... [--content FILE] [--trust PEMFILE]... [--json] [--lang vi|en] [--offline]`: the
// verification report (docs/trust.md "Verification") of PDF, XML, CMS and Office files; exit 0 only when every file
// is valid.
import { COMMAND_TEXTS, VERIFY_USAGE } from './texts.js';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCertificateStatus } from '../certs/status/index.js';
import { isAgentError } from '../core/errors.js';
import type { Lang } from '../core/ports.js';
import { reportText } from '../core/verify/render.js';
import type { DocumentVerifier } from '../core/verify/report.js';
import { resolveDataDir, resolvePolicyPath } from '../headless/data-dir.js';
import { createFileLogger } from '../headless/file-logger.js';
import { loadPolicy } from '../headless/policy-file.js';
import { createDocumentVerifier } from '../signing/verify/document.js';
import { EXIT, errorText, type CliIo, type Subcommand } from './io.js';
import { readCertificates, signatureView, type FileView } from './verify-report.js';

export { VERIFY_USAGE };

export interface VerifyArgs {
  files: string[];
  content?: string;
  trust: string[];
  json: boolean;
  lang: Lang;
  offline: boolean;
}

/** Parses the arguments after `verify`; throws with a message for usage errors. */
export function parseVerifyArgs(argv: string[]): VerifyArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { content: { type: 'string' }, json: { type: 'boolean' }, trust: { type: 'string', multiple: true }, lang: { type: 'string' }, offline: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new Error('Thiếu tệp cần kiểm tra / no file to verify');
  if (values.lang !== undefined && values.lang !== 'vi' && values.lang !== 'en') throw new Error('--lang: vi hoặc en / vi or en');
  const out: VerifyArgs = { files: positionals, trust: values.trust ?? [], json: values.json === true, lang: values.lang === 'en' ? 'en' : 'vi', offline: values.offline === true };
  if (values.content !== undefined) out.content = values.content;
  return out;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** The signed content of a detached CMS: --content, else the file the `.p7s` name points to (`a.pdf.p7s` → `a.pdf`). */
async function detachedContent(file: string, content: string | undefined): Promise<Uint8Array | undefined> {
  if (content !== undefined) return readFile(content);
  const m = /^(.+)\.p7s$/i.exec(file);
  if (m && (await isFile(m[1]!))) return readFile(m[1]!);
  return undefined;
}

/** Verifies one file; never throws (a failure is a FileView with `error`). */
export async function verifyFile(file: string, content: string | undefined, verifier: DocumentVerifier): Promise<FileView> {
  const view: FileView = { file, format: null, ok: false, error: null, signatures: [], report: null };
  try {
    const document = await readFile(file);
    const detached = await detachedContent(file, content);
    const report = await verifier.verify({ document, fileName: basename(file), ...(detached ? { content: detached } : {}) });
    return { ...view, format: report.format, ok: report.verdict === 'valid', signatures: report.signatures.map(signatureView), report };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    view.error = isAgentError(e)
      ? { reason: e.reason, detail: e.data.detail ?? e.message }
      : { reason: 'DOCUMENT_INVALID', detail: code ? `không đọc được tệp / cannot read the file (${code})` : errorText(e) };
    return view;
  }
}

/** The report text of one file, or why it could not be read. */
function fileText(v: FileView, lang: Lang): string {
  const head = `== ${v.file}`;
  if (v.report) return `${head}\n${reportText(v.report, lang)}`;
  const word = lang === 'en' ? 'CANNOT BE VERIFIED' : 'KHÔNG KIỂM TRA ĐƯỢC';
  return `${head}\n${word}: ${v.error?.reason ?? ''} — ${v.error?.detail ?? ''}`;
}

export const verifyCommand: Subcommand = {
  ...COMMAND_TEXTS.verify,
  async run(argv: string[], io: CliIo): Promise<number> {
    let args: VerifyArgs;
    try {
      args = parseVerifyArgs(argv);
    } catch (e) {
      io.err(`${errorText(e)}\n${VERIFY_USAGE}`);
      return EXIT.usage;
    }
    for (const t of args.trust) {
      let certs: Uint8Array[];
      try {
        certs = readCertificates(await readFile(t));
      } catch (e) {
        io.err(`--trust ${t}: ${errorText(e)}\n${VERIFY_USAGE}`);
        return EXIT.usage;
      }
      if (certs.length === 0) {
        io.err(`--trust ${t}: không có chứng thư PEM/DER / no PEM or DER certificate\n${VERIFY_USAGE}`);
        return EXIT.usage;
      }
    }
    if (args.content !== undefined && !(await isFile(args.content))) {
      io.err(`--content ${args.content}: không đọc được tệp / cannot read the file\n${VERIFY_USAGE}`);
      return EXIT.usage;
    }
    // Anchors: the shipped trust list, policy trust.anchors and the --trust files; status through the agent's service.
    const dataDir = resolveDataDir(undefined, io.env);
    const loaded = await loadPolicy(resolvePolicyPath(undefined, io.env));
    const logger = createFileLogger({ dir: join(dataDir, 'logs', 'cli') });
    const wiring = await createCertificateStatus({ dataDir, policy: loaded.policy, logger, userAnchors: args.trust });
    for (const p of wiring.problems) io.err(p);
    const anchors = wiring.anchors.map((a) => a.der);
    const verifier = createDocumentVerifier({ anchors: () => anchors, status: wiring.service, offline: args.offline });
    const views: FileView[] = [];
    for (const f of args.files) views.push(await verifyFile(f, args.content, verifier));
    const ok = views.every((v) => v.ok);
    if (args.json) {
      io.out(JSON.stringify({ ok, trustChecked: true, files: views }, null, 2));
    } else {
      io.out(views.map((v) => fileText(v, args.lang)).join('\n\n'));
      const good = views.filter((v) => v.ok).length;
      io.out(`\n${good}/${views.length} ${args.lang === 'en' ? 'files valid' : 'tệp hợp lệ'}`);
    }
    return ok ? EXIT.ok : EXIT.failure;
  },
};
