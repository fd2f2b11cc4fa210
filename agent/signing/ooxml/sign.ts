// Signs an Office package: the manifest and the signature objects are computed here, the SignedInfo digest is
// signed by the DigestSigner (the key stays on the token), and the package is written with the new signature part,
// the origin part and relationships and [Content_Types] entries. Existing parts are copied byte for byte, so
// earlier signatures stay valid (a second signer adds sig2.xml).
import { createHash } from 'node:crypto';
import { AgentError } from '../../core/errors.js';
import type { DigestSigner } from '../../core/ports.js';
import type { HashAlgorithm } from '../../core/types.js';
import { schemeFor, signerKeyOf } from '../algorithms.js';
import { NODE_HASH } from '../algorithms.js';
import { ecdsaDerToRaw } from '../../asn1/index.js';
import { canonicalize } from '../xmldsig/c14n.js';
import { parseXml } from '../xmldsig/parse.js';
import { attr, descendants, type XElement } from '../xmldsig/tree.js';
import { officeInvalid, openOffice, signatureParts, type OfficeReadOptions } from './describe.js';
import { buildManifest } from './manifest.js';
import { CONTENT_TYPES, RELS_NS, relsNameOf, type OpcPackage } from './opc.js';
import { esc, signatureDocument, signatureObjects, signedInfo } from './signature-xml.js';
import { entryData, newEntry, writeZip, ZipError, type ZipEntry } from './zip.js';

export interface OfficeSignOptions extends OfficeReadOptions {
  hashAlgorithm: HashAlgorithm;
  comment?: string;
  signingTime: Date;
}

const ORIGIN_TYPE = 'http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin';
const SIGNATURE_TYPE = 'http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature';
const ORIGIN_CONTENT_TYPE = 'application/vnd.openxmlformats-package.digital-signature-origin';
const SIGNATURE_CONTENT_TYPE = 'application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml';
const RELS_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${RELS_NS}">`;

const digestB64 = (hash: HashAlgorithm, data: Uint8Array | string): string => createHash(NODE_HASH[hash]).update(data).digest('base64');

function byId(root: XElement, id: string): XElement {
  const el = [root, ...descendants(root)].find((e) => attr(e, 'Id') === id);
  if (!el) throw new Error(`signature template lacks ${id}`);
  return el;
}

/** Adds `markup` before the root's end tag of an XML part's text; `prefix` is the root's namespace prefix. */
function appendToRoot(text: string, rootName: string, markup: string): string {
  const close = text.lastIndexOf(`</${rootName}`);
  if (close !== -1) return text.slice(0, close) + markup + text.slice(close);
  // A self-closing root: `<Types …/>` becomes `<Types …>markup</Types>`.
  const selfClose = text.lastIndexOf('/>');
  return `${text.slice(0, selfClose)}>${markup}</${rootName}>${text.slice(selfClose + 2)}`;
}

function relationshipMarkup(prefix: string, id: string, type: string, target: string): string {
  return `<${prefix}Relationship Id="${esc(id)}" Type="${type}" Target="${esc(target)}"/>`;
}

function freeId(taken: Iterable<string>): string {
  const set = new Set(taken);
  let n = 1;
  while (set.has(`rId${n}`)) n++;
  return `rId${n}`;
}

function rootInfo(text: string): { name: string; prefix: string } {
  const { doc } = parseXml(Buffer.from(text, 'utf8'));
  return { name: doc.root.name, prefix: doc.root.prefix ? `${doc.root.prefix}:` : '' };
}

/** Builds the signature part's XML for `pkg`, asking `signer` for the one signature. */
async function signatureXml(pkg: OpcPackage, options: OfficeSignOptions, signer: DigestSigner): Promise<string> {
  const hash = options.hashAlgorithm;
  const key = signerKeyOf(signer.certificate.der);
  if (key.kind === 'RSA-PSS') throw new AgentError('ALGORITHM_UNSUPPORTED', 'RSA-PSS keys are not supported for Office signatures', { detail: 'Office signatures use RSA PKCS#1 v1.5 or ECDSA' });
  const scheme = schemeFor(key);
  const certDer = Buffer.from(signer.certificate.der, 'base64');
  const objects = signatureObjects({
    hash,
    manifest: buildManifest(pkg, hash),
    signingTime: options.signingTime,
    comment: options.comment ?? '',
    certificates: [],
    certDigest: digestB64(hash, certDer),
    issuerDn: signer.certificate.issuer.dn,
    serialDecimal: BigInt(`0x${signer.certificate.serialNumber || '0'}`).toString(10),
  });
  const certificates = [signer.certificate.der, ...signer.chain.map((c) => Buffer.from(c).toString('base64'))];
  // Digests of the objects as a verifier sees them: canonicalised in place, under the Signature's namespace.
  const draft = parseXml(Buffer.from(signatureDocument('', '', certificates, objects), 'utf8')).doc.root;
  const c14n = (el: XElement): string => canonicalize(el, { exclusive: false, withComments: false });
  const info = signedInfo(hash, scheme, {
    packageObject: digestB64(hash, c14n(byId(draft, 'idPackageObject'))),
    officeObject: digestB64(hash, c14n(byId(draft, 'idOfficeObject'))),
    signedProperties: digestB64(hash, c14n(byId(draft, 'idSignedProperties'))),
  });
  const withInfo = parseXml(Buffer.from(signatureDocument(info, '', certificates, objects), 'utf8')).doc.root;
  const signedInfoEl = withInfo.children.find((c): c is XElement => c.type === 1 && c.localName === 'SignedInfo');
  if (!signedInfoEl) throw new Error('signature template lacks SignedInfo');
  const toSign = new Uint8Array(createHash(NODE_HASH[hash]).update(c14n(signedInfoEl), 'utf8').digest());
  let value = await signer.sign(toSign, hash, { scheme, ecdsaFormat: 'raw' });
  if (scheme === 'ECDSA' && key.ecSize && value.length !== key.ecSize * 2) value = ecdsaDerToRaw(value, key.ecSize);
  return signatureDocument(info, Buffer.from(value).toString('base64'), certificates, objects);
}

/** Signs the package and returns the new package bytes. */
export async function signOffice(document: Uint8Array, options: OfficeSignOptions, signer: DigestSigner): Promise<Uint8Array> {
  const { pkg, rootRels } = openOffice(document, options);
  let xml: string;
  try {
    xml = await signatureXml(pkg, options, signer);
  } catch (e) {
    // A part first read while digesting (bad CRC, sizes that lie) is as invalid as one read before the dialog.
    if (e instanceof ZipError) throw officeInvalid(`gói Office bị hỏng / malformed package: ${e.message}`);
    throw e;
  }
  const when = options.signingTime;
  const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
  const replaced = new Map<string, ZipEntry>();
  const added: ZipEntry[] = [];
  let contentTypes = pkg.contentTypes.text;
  const ctRoot = rootInfo(contentTypes);

  const existing = signatureParts(pkg, rootRels.rels);
  let origin = existing.origin;
  if (!origin) {
    origin = '_xmlsignatures/origin.sigs';
    if (pkg.byName.has(origin)) throw new AgentError('DOCUMENT_INVALID', 'Tệp Office không hợp lệ / Invalid Office file', { detail: 'an origin part exists without its relationship' });
    added.push(newEntry(origin, new Uint8Array(0), when));
    const rels = rootInfo(rootRels.text);
    const relsText = appendToRoot(rootRels.text, rels.name, relationshipMarkup(rels.prefix, freeId(rootRels.rels.map((r) => r.id)), ORIGIN_TYPE, origin));
    replaced.set('_rels/.rels', newEntry(pkg.byName.get('_rels/.rels')!.name, utf8(relsText), when));
    if (!pkg.contentTypes.defaults.has('sigs')) contentTypes = appendToRoot(contentTypes, ctRoot.name, `<${ctRoot.prefix}Default Extension="sigs" ContentType="${ORIGIN_CONTENT_TYPE}"/>`);
  }
  const folder = origin.slice(0, origin.lastIndexOf('/') + 1);
  let n = existing.parts.length + 1;
  while (pkg.byName.has(`${folder}sig${n}.xml`.toLowerCase())) n++;
  const sigName = `${folder}sig${n}.xml`;
  added.push(newEntry(sigName, utf8(xml), when));
  contentTypes = appendToRoot(contentTypes, ctRoot.name, `<${ctRoot.prefix}Override PartName="/${sigName}" ContentType="${SIGNATURE_CONTENT_TYPE}"/>`);

  const originRelsName = relsNameOf(origin);
  const originRels = pkg.byName.get(originRelsName.toLowerCase());
  if (originRels) {
    const text = Buffer.from(entryData(originRels)).toString('utf8');
    const info = rootInfo(text);
    const ids = [...text.matchAll(/\bId\s*=\s*["']([^"']*)["']/g)].map((m) => m[1] ?? '');
    replaced.set(originRels.name.toLowerCase(), newEntry(originRels.name, utf8(appendToRoot(text, info.name, relationshipMarkup(info.prefix, freeId(ids), SIGNATURE_TYPE, `sig${n}.xml`))), when));
  } else {
    added.push(newEntry(originRelsName, utf8(`${RELS_HEAD}${relationshipMarkup('', 'rId1', SIGNATURE_TYPE, `sig${n}.xml`)}</Relationships>`), when));
  }
  const ctEntry = pkg.byName.get(CONTENT_TYPES.toLowerCase())!;
  replaced.set(CONTENT_TYPES.toLowerCase(), newEntry(ctEntry.name, utf8(contentTypes), when));

  const out = pkg.entries.map((e) => replaced.get(e.name.toLowerCase()) ?? e);
  return writeZip([...out, ...added]);
}
