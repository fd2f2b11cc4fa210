// Enveloped XMLDSig signing for the enveloped, einvoice and tax profiles: digests and SignedInfo computed here,
// the signature value asked of the DigestSigner (ECDSA as raw r||s), the Signature spliced into the input text.
import { createHash } from 'node:crypto';
import { AgentError } from '../../core/errors.js';
import type { DigestSigner, XmlSignOptions } from '../../core/ports.js';
import type { HashAlgorithm } from '../../core/types.js';
import { schemeFor, signerKeyOf } from '../algorithms.js';
import { ecdsaDerToRaw } from '../../asn1/index.js';
import { NODE_HASH } from '../algorithms.js';
import { C14N_URI, DIGEST_URI, DSIG_NS, ENVELOPED, signatureMethodUri, type C14nName } from './algorithms.js';
import { canonicalize } from './c14n.js';
import { parseXml } from './parse.js';
import { idOf, placeSignature } from './profiles.js';
import { append, attr, descendants, ELEMENT, inScope, newElement, serialize, serializeAround, TEXT, type XAttr, type XDocument, type XElement, type XParent } from './tree.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/**
 * Vietnam local time (UTC+7, no DST) as xs:dateTime with its offset, `2025-03-20T10:04:05+07:00`: the local clock
 * time e-invoice validators show, and a zone so no reader takes it for UTC or their own time.
 */
export function vietnamDateTime(d: Date): string {
  return `${new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;
}

const ds = (name: string, attrs: Record<string, string> = {}, ...children: (XElement | string)[]): XElement => newElement(name, DSIG_NS, attrs, children);

function digestB64(text: string, hash: HashAlgorithm): string {
  return createHash(NODE_HASH[hash]).update(text, 'utf8').digest('base64');
}

function setText(el: XElement, text: string): void {
  el.children = [{ type: TEXT, data: text, parent: el }];
}

/**
 * The output around a new subtree: `head + markup + tail` is the input with it spliced in at its parent (after the
 * last child), or with the outermost created ancestor spliced into the first parent that came from the source.
 * Everything else is untouched.
 */
function spliceParts(doc: XDocument, inserted: XElement): [string, string] {
  let node = inserted;
  while (node.parent && node.parent.type === ELEMENT && !node.parent.src) node = node.parent;
  const parent = node.parent as XElement;
  const src = parent.src!;
  const text = doc.text;
  const [open, close] = serializeAround(node, inserted);
  const isFirst = parent.children[0] === node;
  if (src.selfClosing) {
    // '<name …/>' → '<name …>' without its trailing blanks (a loop: /\s*\/>$/ is quadratic on a long blank run).
    let cut = src.openEnd - 2;
    while (cut > src.start && /[ \t\r\n]/.test(text[cut - 1] as string)) cut--;
    return [`${text.slice(0, src.start)}${text.slice(src.start, cut)}>${open}`, `${close}</${parent.name}>${text.slice(src.end)}`];
  }
  const at = isFirst ? src.openEnd : src.closeStart;
  return [text.slice(0, at) + open, close + text.slice(at)];
}

/**
 * A detached copy of what canonicalisation reads above the Signature (namespaces in scope and inherited xml:*
 * attributes, nearest first), so that SignedInfo and Object canonicalise as in the document without keeping it.
 */
function standIn(parent: XElement): XElement {
  const attrs: XAttr[] = [];
  for (const [p, uri] of inScope(parent)) {
    attrs.push({ name: p ? `xmlns:${p}` : 'xmlns', prefix: p ? 'xmlns' : '', localName: p || 'xmlns', namespaceURI: XMLNS_NS, value: uri, isNs: true });
  }
  const have = new Set<string>();
  for (let e: XParent = parent; e && e.type === ELEMENT; e = e.parent) {
    for (const a of e.attrs) {
      if (!a.isNs && a.namespaceURI === XML_NS && !have.has(a.localName)) {
        have.add(a.localName);
        attrs.push(a);
      }
    }
  }
  return { type: ELEMENT, name: parent.name, prefix: parent.prefix, localName: parent.localName, namespaceURI: parent.namespaceURI, attrs, children: [], parent: null };
}

/** Everything of a signature that depends on the document and not on the signer, computed before the dialog. */
export interface XmlSignaturePlan {
  /** The output is head + Signature markup + tail. */
  head: string;
  tail: string;
  /** The Signature's parent as canonicalisation sees it (standIn). */
  anchor: XElement;
  targetId: string | null;
  /** DigestValue of the document reference (the Signature excluded, as the enveloped transform does). */
  digest: string;
  signatureId: string | undefined;
  signingTimeObject: boolean;
  /** A second element with the Signature's or the Object's Id, refused after the key check as always. */
  idConflict: AgentError | null;
}

/**
 * Resolves the profile (DOCUMENT_INVALID as placeSignature throws it) and computes the document's part of the
 * signature. Changes `doc` (created containers): a tree is planned once.
 */
export function planSignature(doc: XDocument, options: XmlSignOptions): XmlSignaturePlan {
  const placement = placeSignature(doc, options);
  const hash = options.hashAlgorithm;
  const exclusive = (options.c14n ?? 'c14n').startsWith('exc');
  const signatureId = options.signatureId ?? placement.defaultSignatureId;
  // options.signingTime absent means "now" (decided at signing), so only false removes the object.
  const signingTimeObject = placement.signingTimeObject && options.signingTime !== false;
  const objectId = `SigningTime-${signatureId ?? 'sig'}`;
  let idConflict: AgentError | null = null;
  // A second element with the same Id would make the references ambiguous (and verifiers refuse it).
  for (const id of [signatureId, signingTimeObject ? objectId : undefined]) {
    if (id && [doc.root, ...descendants(doc.root)].some((e) => idOf(e) === id || attr(e, 'Id') === id)) {
      idConflict = new AgentError('DOCUMENT_INVALID', 'Tài liệu XML không hợp lệ / Invalid XML document', { detail: `the document already has an element with Id "${id}" (already signed?)` });
      break;
    }
  }
  // A stand-in where the Signature goes: excluded from the digest like the Signature, spliced around like it.
  const hole = ds('Signature');
  const kids = placement.parent.children;
  const at = placement.replace ? kids.indexOf(placement.replace) : -1;
  if (at >= 0) kids.splice(at, 1, hole);
  else append(placement.parent, hole);
  // Same-document references never carry comments (XMLDSig §4.3.3.3), whatever the transform says.
  const canonical = canonicalize(placement.target ? placement.target.element : doc, { exclusive, withComments: false, exclude: hole });
  const src = at >= 0 ? placement.replace!.src! : undefined;
  const [head, tail] = src ? [doc.text.slice(0, src.start), doc.text.slice(src.end)] : spliceParts(doc, hole);
  if (at >= 0) kids.splice(at, 1, placement.replace!);
  else kids.pop();
  return {
    head, tail, anchor: standIn(placement.parent), targetId: placement.target?.id ?? null,
    digest: digestB64(canonical, hash), signatureId, signingTimeObject, idConflict,
  };
}

/** Signs `xml` per `options.profile` and returns the document (UTF-8, same XML declaration) with the Signature. */
export async function signXml(xml: Uint8Array, options: XmlSignOptions, signer: DigestSigner): Promise<Uint8Array> {
  return signPlannedXml(planSignature(parseXml(xml).doc, options), options, signer);
}

/** Signs from a plan made by {@link planSignature} for these same options (describeXml hands it over). */
export async function signPlannedXml(plan: XmlSignaturePlan, options: XmlSignOptions, signer: DigestSigner): Promise<Uint8Array> {
  const hash = options.hashAlgorithm;
  const c14nName: C14nName = options.c14n ?? 'c14n';
  const exclusive = c14nName.startsWith('exc');
  const withComments = c14nName.endsWith('with-comments');

  const certB64 = signer.certificate.der;
  const key = signerKeyOf(certB64);
  if (key.kind === 'RSA-PSS') throw new AgentError('ALGORITHM_UNSUPPORTED', 'RSA-PSS keys are not supported for XML signatures', { detail: 'XMLDSig profiles use RSA PKCS#1 v1.5 or ECDSA' });
  const scheme = schemeFor(key);
  if (plan.idConflict) throw plan.idConflict;

  const { signatureId } = plan;
  const signingTime = options.signingTime === false ? null : (options.signingTime ?? new Date());
  const objectId = `SigningTime-${signatureId ?? 'sig'}`;

  const mainDigest = ds('DigestValue', {}, plan.digest);
  const signedInfo = ds('SignedInfo', {},
    ds('CanonicalizationMethod', { Algorithm: C14N_URI[c14nName] }),
    ds('SignatureMethod', { Algorithm: signatureMethodUri(scheme, hash) }),
    ds('Reference', { URI: plan.targetId !== null ? `#${plan.targetId}` : '' },
      ds('Transforms', {}, ds('Transform', { Algorithm: ENVELOPED }), ds('Transform', { Algorithm: C14N_URI[c14nName] })),
      ds('DigestMethod', { Algorithm: DIGEST_URI[hash] }), mainDigest));
  const signatureValue = ds('SignatureValue');
  const signature = ds('Signature', { ...(signatureId ? { Id: signatureId } : {}), xmlns: DSIG_NS },
    signedInfo, signatureValue, ds('KeyInfo', {}, ds('X509Data', {}, ds('X509Certificate', {}, certB64))));

  let object: XElement | null = null;
  const objectDigest = ds('DigestValue');
  if (plan.signingTimeObject && signingTime) {
    object = ds('Object', { Id: objectId },
      ds('SignatureProperties', {},
        ds('SignatureProperty', signatureId ? { Target: `#${signatureId}` } : {},
          ds('SigningTime', {}, vietnamDateTime(signingTime)))));
    append(signature, object);
    append(signedInfo, ds('Reference', { URI: `#${objectId}` },
      ds('Transforms', {}, ds('Transform', { Algorithm: C14N_URI[c14nName] })),
      ds('DigestMethod', { Algorithm: DIGEST_URI[hash] }), objectDigest));
  }
  append(plan.anchor, signature);

  if (object) setText(objectDigest, digestB64(canonicalize(object, { exclusive, withComments: false }), hash));
  const signedInfoText = canonicalize(signedInfo, { exclusive, withComments });
  const toSign = new Uint8Array(createHash(NODE_HASH[hash]).update(signedInfoText, 'utf8').digest());
  let value = await signer.sign(toSign, hash, { scheme, ecdsaFormat: 'raw' });
  if (scheme === 'ECDSA' && key.ecSize && value.length !== key.ecSize * 2) value = ecdsaDerToRaw(value, key.ecSize);
  setText(signatureValue, Buffer.from(value).toString('base64'));

  return new Uint8Array(Buffer.from(plan.head + serialize(signature) + plan.tail, 'utf8'));
}
