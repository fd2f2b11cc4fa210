// Minimal Office packages built in code for tests (Word, Excel, PowerPoint), with Vietnamese text; never shipped.
import { newEntry, writeZip, type ZipEntry } from '../zip.js';

const when = new Date('2026-01-02T03:04:05Z');
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function pkg(files: Record<string, string | Uint8Array>): Uint8Array {
  const entries: ZipEntry[] = Object.entries(files).map(([name, body]) => newEntry(name, typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : body, when));
  return writeZip(entries);
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A .docx with one paragraph per line, core properties and styles; `extra` adds or replaces files. A
 * `word/vbaProject.bin` in `extra` gets its content type and relationship, as Word writes a .docm.
 */
export function makeDocx(lines: string[], extra: Record<string, string | Uint8Array> = {}, mainType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'): Uint8Array {
  const vba = 'word/vbaProject.bin' in extra;
  const vbaType = vba ? '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>' : '';
  const vbaRel = vba ? '<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>' : '';
  return pkg({
    '[Content_Types].xml': `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${vbaType}<Override PartName="/word/document.xml" ContentType="${mainType}"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`,
    '_rels/.rels': `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`,
    'docProps/core.xml': `${XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Tờ trình</dc:title></cp:coreProperties>`,
    'word/document.xml': `${XML}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${lines.map((l) => `<w:p><w:r><w:t xml:space="preserve">${esc(l)}</w:t></w:r></w:p>`).join('')}<w:p/></w:body></w:document>`,
    'word/_rels/document.xml.rels': `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="${REL}/hyperlink" Target="https://kyso.vn/" TargetMode="External"/><Relationship Id="rId1" Type="${REL}/styles" Target="styles.xml"/>${vbaRel}</Relationships>`,
    'word/styles.xml': `${XML}<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`,
    ...extra,
  });
}
