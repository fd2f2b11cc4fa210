// The format table: one entry per sign.<format> method. A new format is one file here and one entry below
// (plus its method and schema in protocol/); its command and its place in sign.batch follow from this table.
import type { FormatKind, SignFormat } from '../format.js';
import { cmsFormat } from './cms.js';
import { hashFormat } from './hash.js';
import { officeFormat } from './office.js';
import { pdfFormat } from './pdf.js';
import { xmlFormat } from './xml.js';

export const SIGN_FORMATS = {
  hash: hashFormat,
  cms: cmsFormat,
  pdf: pdfFormat,
  xml: xmlFormat,
  office: officeFormat,
} satisfies { [K in FormatKind]: SignFormat<K> };
