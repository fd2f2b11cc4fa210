// Safe XML parsing for signing: UTF-8 only, DOCTYPE/entities refused before parsing, every error fatal.
import { Buffer, isUtf8 } from 'node:buffer';
import { AgentError } from '../../core/errors.js';
import type { XDocument } from './tree.js';
import { MAX_NODES, parseXmlText, XmlSyntaxError } from './xml-parser.js';

/** A parsed document and what the output must keep from the input. */
export interface ParsedXml {
  doc: XDocument;
  /** The input's XML declaration text (`<?xml …?>`), or null when it had none. */
  declaration: string | null;
}

const invalid = (detail: string): AgentError => new AgentError('DOCUMENT_INVALID', 'Tài liệu XML không hợp lệ / Invalid XML document', { detail });

/**
 * Refuses markup declarations (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`…): no DTD, so no external entities (XXE) and no
 * entity expansion (billion laughs). Comments, CDATA sections and processing instructions are skipped so that text
 * inside them cannot trip the scan; anything else starting with `<!` is refused.
 */
export function assertNoDtd(text: string): void {
  let i = text.indexOf('<');
  // Every node holds at most two '<' (start and end tag): more than twice the node cap is refused here, in one
  // cheap scan, before the tree builder starts (docs/security.md T23: 64 MiB of `<a/>` stops after a few MB).
  let tags = 0;
  while (i !== -1) {
    if (++tags > 2 * MAX_NODES) throw invalid(`more than ${MAX_NODES} nodes`);
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) throw invalid('unterminated comment');
      i = text.indexOf('<', end + 3);
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end === -1) throw invalid('unterminated CDATA section');
      i = text.indexOf('<', end + 3);
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end === -1) throw invalid('unterminated processing instruction');
      i = text.indexOf('<', end + 2);
    } else if (text.startsWith('<!', i)) {
      const what = /^<!([A-Za-z]*)/.exec(text.slice(i, i + 12))?.[1]?.toUpperCase() || 'markup declaration';
      throw invalid(`${what === 'DOCTYPE' ? 'DOCTYPE' : what === 'ENTITY' ? 'entity declaration' : what} is not allowed (DTDs and entities are refused)`);
    } else {
      i = text.indexOf('<', i + 1);
    }
  }
}

/** Decodes UTF-8 (BOM allowed), checks the declared encoding, refuses DTDs, parses with fatal errors. */
export function parseXml(bytes: Uint8Array): ParsedXml {
  // isUtf8 + toString: the strict check and the decode of a fatal TextDecoder, several times faster (a batch of
  // invoices spends its time here); a byte-order mark is dropped as TextDecoder does.
  if (!isUtf8(bytes)) throw invalid('the document is not valid UTF-8');
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.byteLength - bom).toString('utf8');
  const declMatch = /^<\?xml\s[^?]*\?>/.exec(text);
  const declaration = declMatch ? declMatch[0] : null;
  if (declaration) {
    const enc = /encoding\s*=\s*["']([^"']+)["']/.exec(declaration)?.[1];
    if (enc && !/^utf-?8$/i.test(enc)) throw invalid(`encoding ${enc} is not supported (UTF-8 only)`);
  }
  assertNoDtd(text);
  try {
    return { doc: parseXmlText(text), declaration };
  } catch (e) {
    if (!(e instanceof XmlSyntaxError)) throw e;
    throw invalid(`malformed XML: ${e.message}`);
  }
}
