// A DocumentSigners fake: checks a magic prefix (DOCUMENT_INVALID otherwise), hashes the bytes and asks the signer.
import { AgentError } from '../errors.js';
import type { CmsInput, CmsSignOptions, Described, DigestSigner, DocumentSigners, OfficeDescription, OfficeSignOptions, PdfPlan, PdfSignOptions, XmlPlan, XmlSignOptions } from '../ports.js';
import { sha256Hex, toHex } from '../protocol/encoding.js';
import type { HashAlgorithm } from '../types.js';

const text = new TextDecoder();
const enc = new TextEncoder();

async function digest(algorithm: HashAlgorithm, bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(algorithm, bytes as Uint8Array<ArrayBuffer>));
}

export class FakeDocuments implements DocumentSigners {
  readonly calls = { describePdf: 0, signPdf: 0, describeXml: 0, signXml: 0, signCms: 0, describeOffice: 0, signOffice: 0 };
  readonly officeOptions: OfficeSignOptions[] = [];
  readonly pdfOptions: PdfSignOptions[] = [];
  readonly xmlOptions: XmlSignOptions[] = [];
  readonly cmsOptions: CmsSignOptions[] = [];

  async describePdf(pdf: Uint8Array): Promise<Described<PdfPlan>> {
    this.calls.describePdf++;
    if (text.decode(pdf.subarray(0, 5)) !== '%PDF-') throw new AgentError('DOCUMENT_INVALID', 'Not a PDF', { detail: 'no %PDF- header' });
    return { description: { size: pdf.length, sha256Hex: await sha256Hex(pdf), pageCount: 1, existingSignatures: 0 }, plan: { format: 'pdf', pdf } };
  }

  async signPdf({ pdf }: PdfPlan, options: PdfSignOptions, signer: DigestSigner): Promise<Uint8Array> {
    this.calls.signPdf++;
    this.pdfOptions.push(options);
    const signature = await signer.sign(await digest(options.hashAlgorithm, pdf), options.hashAlgorithm);
    return concat(pdf, enc.encode(`\n%sig ${toHex(signature)}\n`));
  }

  async describeXml(xml: Uint8Array, options: XmlSignOptions): Promise<Described<XmlPlan>> {
    this.calls.describeXml++;
    if (!text.decode(xml.subarray(0, 64)).trimStart().startsWith('<')) throw new AgentError('DOCUMENT_INVALID', 'Not XML', { detail: 'not well-formed XML' });
    return { description: { size: xml.length, sha256Hex: await sha256Hex(xml) }, plan: { format: 'xml', xml, options } };
  }

  async signXml({ xml, options }: XmlPlan, signer: DigestSigner): Promise<Uint8Array> {
    this.calls.signXml++;
    this.xmlOptions.push(options);
    const signature = await signer.sign(await digest(options.hashAlgorithm, xml), options.hashAlgorithm, { ecdsaFormat: 'raw' });
    return concat(xml, enc.encode(`<!--sig ${toHex(signature)}-->`));
  }

  async signCms(input: CmsInput, options: CmsSignOptions, signer: DigestSigner): Promise<Uint8Array> {
    this.calls.signCms++;
    this.cmsOptions.push(options);
    const d = 'hash' in input ? input.hash : await digest(options.hashAlgorithm, input.data);
    return concat(Uint8Array.of(0x30), await signer.sign(d, options.hashAlgorithm));
  }

  /** A "package" is anything starting with PK; a fileName ending in m (docm…) is refused unless macros are allowed. */
  async describeOffice(document: Uint8Array, options: Pick<OfficeSignOptions, 'fileName' | 'allowMacros'>): Promise<OfficeDescription> {
    this.calls.describeOffice++;
    if (text.decode(document.subarray(0, 2)) !== 'PK') throw new AgentError('DOCUMENT_INVALID', 'Not an Office file', { detail: 'not a ZIP package' });
    if (/m$/i.test(options.fileName) && !options.allowMacros) throw new AgentError('DOCUMENT_INVALID', 'Macros', { detail: 'macro-enabled files are refused by policy' });
    return { size: document.length, sha256Hex: await sha256Hex(document), kind: 'docx', existingSignatures: 0, preview: ['first line'] };
  }

  async signOffice(document: Uint8Array, options: OfficeSignOptions, signer: DigestSigner): Promise<Uint8Array> {
    this.calls.signOffice++;
    this.officeOptions.push(options);
    const signature = await signer.sign(await digest(options.hashAlgorithm, document), options.hashAlgorithm);
    return concat(document, enc.encode(`sig ${toHex(signature)}`));
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
