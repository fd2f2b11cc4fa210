// One file through one format of `kyso-agent sign`: CLI flags → the sign.* params shape → the core's option mapping.
import { basename } from 'node:path';
import { AgentError, isAgentError } from '../core/errors.js';
import type { Clock, DigestSigner, DocumentSigners } from '../core/ports.js';
import { pdfOptions, xmlOptions, type PdfOptionParams, type XmlOptionParams } from '../core/signing/index.js';
import { signPdfAtLevel } from '../core/status/long-term.js';
import type { CertificateStatus } from '../core/status/port.js';
import type { SignRun } from './sign-args.js';

/** The run's PDF flags as sign.pdf params: PdfSignOptions come from the core's one mapping (pdfOptions). */
function pdfParams(plan: SignRun, fileName: string): PdfOptionParams {
  const f = plan.pdf;
  const p: PdfOptionParams = { fileName, hashAlgorithm: plan.hashAlgorithm };
  const a: NonNullable<PdfOptionParams['appearance']> = {};
  if (f.page !== undefined) a.page = f.page;
  if (f.rect !== undefined) a.rect = f.rect;
  if (f.text !== undefined) a.text = f.text;
  if (f.image !== undefined) a.image = f.image;
  if (f.fontSize !== undefined) a.fontSize = f.fontSize;
  if (!f.visible) p.appearance = { visible: false };
  else if (Object.keys(a).length > 0) p.appearance = { visible: true, ...a };
  if (f.reason !== undefined) p.reason = f.reason;
  if (f.location !== undefined) p.location = f.location;
  if (f.contactInfo !== undefined) p.contactInfo = f.contactInfo;
  if (f.fieldName !== undefined) p.fieldName = f.fieldName;
  if (f.subFilter !== undefined) p.subFilter = f.subFilter;
  return p;
}

/** The run's XML flags as sign.xml params (XmlSignOptions from the core's xmlOptions). */
function xmlParams(plan: SignRun): XmlOptionParams {
  const f = plan.xml;
  const p: XmlOptionParams = { profile: f.profile, hashAlgorithm: plan.hashAlgorithm };
  if (f.referenceId !== undefined) p.reference = { id: f.referenceId };
  if (f.signatureParent !== undefined) p.signatureParent = f.signatureParent;
  if (f.signatureId !== undefined) p.signatureId = f.signatureId;
  if (f.c14n !== undefined) p.c14n = f.c14n;
  if (f.signingTime !== undefined) p.signingTime = f.signingTime;
  return p;
}

/** Runs a parser on untrusted input: its AgentErrors pass, anything else it throws means the file is not readable. */
async function describing<T>(format: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isAgentError(e)) throw e;
    throw new AgentError('DOCUMENT_INVALID', 'The document could not be read', { detail: `not a readable ${format.toUpperCase()} document` }, e instanceof Error ? e.message : String(e));
  }
}

/** Signs one input with the run's signer; the output bytes, or an AgentError with a stable reason. */
export async function signOne(
  plan: SignRun, path: string, input: Uint8Array, tsa: string | undefined, documents: DocumentSigners, signer: DigestSigner, clock: Clock,
  allowMacros = false, status?: CertificateStatus,
): Promise<Uint8Array> {
  switch (plan.format) {
    case 'pdf': {
      const described = await describing('pdf', () => documents.describePdf(input));
      const level = tsa ? (plan.pdf.level ?? 'B-T') : 'B-B';
      return signPdfAtLevel(documents, status, described.plan, pdfOptions(pdfParams(plan, basename(path)), level, tsa, clock.now()), signer);
    }
    case 'xml': {
      const described = await describing('xml', () => documents.describeXml(input, xmlOptions(xmlParams(plan), clock)));
      return documents.signXml(described.plan, signer);
    }
    case 'cms': {
      const options = { hashAlgorithm: plan.hashAlgorithm, detached: plan.cms.detached, signingTime: plan.cms.signingTime ? clock.now() : (false as const), ...(tsa ? { timestamp: { url: tsa } } : {}) };
      return documents.signCms({ data: input }, options, signer);
    }
    case 'office': {
      const fileName = basename(path);
      await describing('office', () => documents.describeOffice(input, { fileName, allowMacros }));
      return documents.signOffice(input, { fileName, allowMacros, hashAlgorithm: plan.hashAlgorithm, signingTime: clock.now(), ...(plan.office.comment !== undefined ? { comment: plan.office.comment } : {}) }, signer);
    }
  }
}
