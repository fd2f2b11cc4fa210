// Enveloped XMLDSig signing for the enveloped, einvoice and tax profiles: digests and SignedInfo computed here,
// the signature value asked of the DigestSigner (ECDSA as raw r||s), the Signature spliced into the input text.
import { createHash } from 'node:crypto';
import { AgentError } from '../../core/errors.js';
import type { DigestSigner, XmlSignOptions } from '../../core/ports.js';
import type { HashAlgorithm } from '../../core/types.js';
import { schemeFor, signerKeyOf } from '../algorithms.js';
import { NODE_HASH } from '../digest-info.js';
import { ecdsaDerToRaw } from '../ecdsa-format.js';
import { C14N_URI, DIGEST_URI, DSIG_NS, ENVELOPED, signatureMethodUri, type C14nName } from './algorithms.js';
import { canonicalize } from './c14n.js';
import { parseXml } from './parse.js';
import { idOf, placeSignature } from './profiles.js';
import { append, attr, descendants, ELEMENT, newElement, serialize, TEXT, type XDocument, type XElement } from './tree.js';

/** Vietnam local time (UTC+7, no DST) as xs:dateTime without zone, the form e-invoice validators expect. */
export function vietnamDateTime(d: Date): string {
  return new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 19);
}

const ds = (name: string, attrs: Record<string, string> = {}, ...children: (XElement | string)[]): XElement => newElement(name, DSIG_NS, attrs, children);

function digestB64(text: string, hash: HashAlgorithm): string {
  return createHash(NODE_HASH[hash]).update(text, 'utf8').digest('base64');
}

function setText(el: XElement, text: string): void {
  el.children = [{ type: TEXT, data: text, parent: el }];
}

/**
 * The output text: the input with the new subtree spliced in at its parent (after the last child), or the
 * outermost created ancestor spliced into the first parent that came from the source. Everything else is untouched.
 */
function splice(doc: XDocument, inserted: XElement): string {
  let node = inserted;
  while (node.parent && node.parent.type === ELEMENT && !node.parent.src) node = node.parent;
  const parent = node.parent as XElement;
  const src = parent.src!;
  const text = doc.text;
  const markup = serialize(node);
  const isFirst = parent.children[0] === node;
  if (src.selfClosing) {
    const open = text.slice(src.start, src.openEnd).replace(/\s*\/>$/, '>');
    return `${text.slice(0, src.start)}${open}${markup}</${parent.name}>${text.slice(src.end)}`;
  }
  const at = isFirst ? src.openEnd : src.closeStart;
  return text.slice(0, at) + markup + text.slice(at);
}

/** Signs `xml` per `options.profile` and returns the document (UTF-8, same XML declaration) with the Signature. */
export async function signXml(xml: Uint8Array, options: XmlSignOptions, signer: DigestSigner): Promise<Uint8Array> {
  const { doc } = parseXml(xml);
  const placement = placeSignature(doc, options);
  const hash = options.hashAlgorithm;
  const c14nName: C14nName = options.c14n ?? 'c14n';
  const exclusive = c14nName.startsWith('exc');
  const withComments = c14nName.endsWith('with-comments');

  const certB64 = signer.certificate.der;
  const key = signerKeyOf(certB64);
  if (key.kind === 'RSA-PSS') throw new AgentError('ALGORITHM_UNSUPPORTED', 'RSA-PSS keys are not supported for XML signatures', { detail: 'XMLDSig profiles use RSA PKCS#1 v1.5 or ECDSA' });
  const scheme = schemeFor(key);

  const signatureId = options.signatureId ?? placement.defaultSignatureId;
  const signingTime = options.signingTime === false ? null : (options.signingTime ?? new Date());
  const objectId = `SigningTime-${signatureId ?? 'sig'}`;
  // A second element with the same Id would make the references ambiguous (and verifiers refuse it).
  for (const id of [signatureId, placement.signingTimeObject && signingTime ? objectId : undefined]) {
    if (id && [doc.root, ...descendants(doc.root)].some((e) => idOf(e) === id || attr(e, 'Id') === id)) {
      throw new AgentError('DOCUMENT_INVALID', 'Tài liệu XML không hợp lệ / Invalid XML document', { detail: `the document already has an element with Id "${id}" (already signed?)` });
    }
  }

  const mainDigest = ds('DigestValue');
  const signedInfo = ds('SignedInfo', {},
    ds('CanonicalizationMethod', { Algorithm: C14N_URI[c14nName] }),
    ds('SignatureMethod', { Algorithm: signatureMethodUri(scheme, hash) }),
    ds('Reference', { URI: placement.target ? `#${placement.target.id}` : '' },
      ds('Transforms', {}, ds('Transform', { Algorithm: ENVELOPED }), ds('Transform', { Algorithm: C14N_URI[c14nName] })),
      ds('DigestMethod', { Algorithm: DIGEST_URI[hash] }), mainDigest));
  const signatureValue = ds('SignatureValue');
  const signature = ds('Signature', { ...(signatureId ? { Id: signatureId } : {}), xmlns: DSIG_NS },
    signedInfo, signatureValue, ds('KeyInfo', {}, ds('X509Data', {}, ds('X509Certificate', {}, certB64))));

  let object: XElement | null = null;
  const objectDigest = ds('DigestValue');
  if (placement.signingTimeObject && signingTime) {
    object = ds('Object', { Id: objectId },
      ds('SignatureProperties', {},
        ds('SignatureProperty', signatureId ? { Target: `#${signatureId}` } : {},
          ds('SigningTime', {}, vietnamDateTime(signingTime)))));
    append(signature, object);
    append(signedInfo, ds('Reference', { URI: `#${objectId}` },
      ds('Transforms', {}, ds('Transform', { Algorithm: C14N_URI[c14nName] })),
      ds('DigestMethod', { Algorithm: DIGEST_URI[hash] }), objectDigest));
  }
  append(placement.parent, signature);

  // Same-document references never carry comments (XMLDSig §4.3.3.3), whatever the transform says.
  const refOptions = { exclusive, withComments: false };
  setText(mainDigest, digestB64(canonicalize(placement.target ? placement.target.element : doc, { ...refOptions, exclude: signature }), hash));
  if (object) setText(objectDigest, digestB64(canonicalize(object, refOptions), hash));

  const signedInfoText = canonicalize(signedInfo, { exclusive, withComments });
  const toSign = new Uint8Array(createHash(NODE_HASH[hash]).update(signedInfoText, 'utf8').digest());
  let value = await signer.sign(toSign, hash, { scheme, ecdsaFormat: 'raw' });
  if (scheme === 'ECDSA' && key.ecSize && value.length !== key.ecSize * 2) value = ecdsaDerToRaw(value, key.ecSize);
  setText(signatureValue, Buffer.from(value).toString('base64'));

  return new Uint8Array(Buffer.from(splice(doc, signature), 'utf8'));
}
