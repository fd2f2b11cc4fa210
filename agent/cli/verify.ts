// `kyso-agent verify FILE... [--content FILE] [--json] [--trust PEMFILE...]`: every signature of PDF, XML, CMS and Office (OOXML) files.
import { COMMAND_TEXTS } from './texts.js';
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isAgentError } from '../core/errors.js';
import { basename } from 'node:path';
import { verifyCms, verifyOffice, verifyPdf, verifyXml, type VerifyOptions } from '../signing/index.js';
import { EXIT, errorText, type CliIo, type Subcommand } from './io.js';
import { pdfCmsReports } from './verify-pdf.js';
import { fileText, readCertificates, sniffFormat, viewOfPdfReport, viewOfReport, type FileView } from './verify-report.js';

import { VERIFY_USAGE } from './texts.js';

export { VERIFY_USAGE };

export interface VerifyArgs {
  files: string[];
  content?: string;
  trust: string[];
  json: boolean;
}

/** Parses the arguments after `verify`; throws with a message for usage errors. */
export function parseVerifyArgs(argv: string[]): VerifyArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { content: { type: 'string' }, json: { type: 'boolean' }, trust: { type: 'string', multiple: true } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new Error('Thiếu tệp cần kiểm tra / no file to verify');
  const out: VerifyArgs = { files: positionals, trust: values.trust ?? [], json: values.json === true };
  if (values.content !== undefined) out.content = values.content;
  return out;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/**
 * The signed content of a detached CMS: --content, else the file the `.p7s` name points to (`a.pdf.p7s` → `a.pdf`).
 */
async function detachedContent(file: string, content: string | undefined): Promise<Uint8Array | undefined> {
  if (content !== undefined) return readFile(content);
  const m = /^(.+)\.p7s$/i.exec(file);
  if (m && (await isFile(m[1]!))) return readFile(m[1]!);
  return undefined;
}

/** Verifies one file; never throws (a failure is a FileView with `error`). */
export async function verifyFile(file: string, args: Pick<VerifyArgs, 'content'>, anchors: Uint8Array[], intermediates: Uint8Array[]): Promise<FileView> {
  const view: FileView = { file, format: null, ok: false, error: null, signatures: [] };
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    view.error = { reason: 'DOCUMENT_INVALID', detail: `không đọc được tệp / cannot read the file (${(e as NodeJS.ErrnoException).code ?? errorText(e)})` };
    return view;
  }
  const sniffed = sniffFormat(bytes);
  if (!sniffed) {
    view.error = { reason: 'DOCUMENT_INVALID', detail: 'không phải PDF, XML, CMS hay Office / not a PDF, XML, CMS or Office file' };
    return view;
  }
  view.format = sniffed.format;
  const options: VerifyOptions = { intermediates };
  if (anchors.length > 0) options.trustAnchors = anchors;
  try {
    if (sniffed.format === 'pdf') {
      const reports = await verifyPdf(sniffed.bytes);
      const cms = await pdfCmsReports(sniffed.bytes, options);
      for (const r of reports) view.signatures.push(await viewOfPdfReport(r, anchors, intermediates, r.integrity ? cms.take(r.certificate) : undefined));
    } else if (sniffed.format === 'ooxml') {
      view.signatures = (await verifyOffice(sniffed.bytes, basename(file), options)).map(viewOfReport);
    } else if (sniffed.format === 'xml') {
      view.signatures = (await verifyXml(sniffed.bytes, options)).map(viewOfReport);
    } else {
      const content = await detachedContent(file, args.content);
      view.signatures = (await verifyCms(sniffed.bytes, content, options)).map(viewOfReport);
    }
  } catch (e) {
    view.error = isAgentError(e)
      ? { reason: e.reason, detail: e.data.detail ?? e.message }
      : { reason: 'DOCUMENT_INVALID', detail: errorText(e) };
    return view;
  }
  view.ok = view.signatures.length > 0 && view.signatures.every((s) => s.ok);
  return view;
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
    // Every certificate of the --trust files is an anchor; they also serve as intermediates for PDF chains.
    const anchors: Uint8Array[] = [];
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
      anchors.push(...certs);
    }
    if (args.content !== undefined && !(await isFile(args.content))) {
      io.err(`--content ${args.content}: không đọc được tệp / cannot read the file\n${VERIFY_USAGE}`);
      return EXIT.usage;
    }
    const views: FileView[] = [];
    for (const f of args.files) views.push(await verifyFile(f, args, anchors, anchors));
    const ok = views.every((v) => v.ok);
    if (args.json) {
      io.out(JSON.stringify({ ok, trustChecked: anchors.length > 0, files: views }, null, 2));
    } else {
      for (const v of views) io.out(fileText(v));
      const good = views.filter((v) => v.ok).length;
      io.out(`\n${good}/${views.length} tệp hợp lệ / files valid`);
    }
    return ok ? EXIT.ok : EXIT.failure;
  },
};
