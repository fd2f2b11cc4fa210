// One file through one format of `kyso-agent sign`: CLI flags → DocumentSigners options, parse errors → DOCUMENT_INVALID.
import { basename } from 'node:path';
import { AgentError, isAgentError } from '../core/errors.js';
import type { Clock, DigestSigner, DocumentSigners, PdfAppearance, PdfSignOptions, XmlSignOptions } from '../core/ports.js';
import type { SignPlan } from './sign-args.js';

/** PAdES options for one file (the signing time is taken per file). */
export function pdfOptions(plan: SignPlan, fileName: string, tsa: string | undefined, now: Date): PdfSignOptions {
  const f = plan.pdf;
  const options: PdfSignOptions = { fileName, hashAlgorithm: plan.hashAlgorithm, level: tsa ? 'B-T' : 'B-B', signingTime: now };
  if (tsa) options.timestamp = { url: tsa };
  if (!f.visible) {
    options.appearance = { visible: false };
  } else {
    const a: PdfAppearance = {};
    if (f.page !== undefined) a.page = f.page;
    if (f.rect !== undefined) a.rect = [...f.rect];
    if (f.text !== undefined) a.text = f.text;
    if (f.image !== undefined) a.image = f.image;
    if (f.fontSize !== undefined) a.fontSize = f.fontSize;
    if (Object.keys(a).length > 0) options.appearance = { visible: true, ...a };
  }
  if (f.reason !== undefined) options.reason = f.reason;
  if (f.location !== undefined) options.location = f.location;
  if (f.contactInfo !== undefined) options.contactInfo = f.contactInfo;
  if (f.fieldName !== undefined) options.fieldName = f.fieldName;
  if (f.subFilter !== undefined) options.subFilter = f.subFilter;
  return options;
}

/** XMLDSig options (the same mapping as sign.xml: absent signing time = the profile's default). */
export function xmlOptions(plan: SignPlan, now: Date): XmlSignOptions {
  const f = plan.xml;
  const options: XmlSignOptions = { profile: f.profile, hashAlgorithm: plan.hashAlgorithm };
  if (f.referenceId !== undefined) options.reference = { id: f.referenceId };
  if (f.signatureParent !== undefined) options.signatureParent = f.signatureParent;
  if (f.signatureId !== undefined) options.signatureId = f.signatureId;
  if (f.c14n !== undefined) options.c14n = f.c14n;
  if (f.signingTime === true) options.signingTime = now;
  else if (f.signingTime === false) options.signingTime = false;
  return options;
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
export async function signOne(plan: SignPlan, path: string, input: Uint8Array, tsa: string | undefined, documents: DocumentSigners, signer: DigestSigner, clock: Clock): Promise<Uint8Array> {
  switch (plan.format) {
    case 'pdf': {
      const described = await describing('pdf', () => documents.describePdf(input));
      return documents.signPdf(described.plan, pdfOptions(plan, basename(path), tsa, clock.now()), signer);
    }
    case 'xml': {
      const described = await describing('xml', () => documents.describeXml(input, xmlOptions(plan, clock.now())));
      return documents.signXml(described.plan, signer);
    }
    case 'cms': {
      const options = { hashAlgorithm: plan.hashAlgorithm, detached: plan.cms.detached, signingTime: plan.cms.signingTime ? clock.now() : (false as const), ...(tsa ? { timestamp: { url: tsa } } : {}) };
      return documents.signCms({ data: input }, options, signer);
    }
  }
}
