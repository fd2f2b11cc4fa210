// The signing formats wired as the core's DocumentSigners port: CMS/CAdES, PAdES, XMLDSig and OOXML.
import type { DocumentSigners } from '../core/ports.js';
import { createCades } from './cms/cades.js';
import { describePdf, signDescribedPdf } from './pades/index.js';
import { describeOffice, signOffice } from './ooxml/index.js';
import { describeXml, signDescribedXml } from './xmldsig/index.js';
import { extendToLongTerm } from './pades/ltv.js';

/** The DocumentSigners the composition roots hand to the core. */
export function createDocumentSigners(): DocumentSigners {
  return {
    describePdf,
    signPdf: signDescribedPdf,
    extendPdf: (pdf, options) => extendToLongTerm(pdf, {
      level: options.level, material: options.validation, hashAlgorithm: options.hashAlgorithm, ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    }),
    describeXml,
    signXml: signDescribedXml,
    signCms: (input, options, signer) => createCades(input, options, signer),
    describeOffice,
    signOffice,
  };
}
