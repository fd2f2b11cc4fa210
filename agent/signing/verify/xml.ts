// verifyXml: every ds:Signature's references, SignatureValue, signer, SigningTime, chain and coverage.
import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import { AgentError } from '../../core/errors.js';
import { NODE_HASH } from '../algorithms.js';
import { C14N_BY_URI, DIGEST_BY_URI, DSIG_NS, ENVELOPED, signatureMethodFromUri } from '../xmldsig/algorithms.js';
import { canonicalize } from '../xmldsig/c14n.js';
import { parseXml } from '../xmldsig/parse.js';
import { findById } from '../xmldsig/profiles.js';
import { attr, descendants, elementChildren, textContent, type XDocument, type XElement, type XParent } from '../xmldsig/tree.js';
import { checkChain, commonName } from './chain.js';
import { publicKeyOf, verifyData } from './crypto.js';
import type { SignatureReport, VerifyOptions } from './report.js';

const dsChildren = (el: XElement | undefined, name: string): XElement[] =>
  el ? elementChildren(el).filter((c) => c.namespaceURI === DSIG_NS && c.localName === name) : [];
const dsChild = (el: XElement | undefined, name: string): XElement | undefined => dsChildren(el, name)[0];
const dsDescendants = (el: XElement, name: string): XElement[] => descendants(el).filter((c) => c.namespaceURI === DSIG_NS && c.localName === name);
const text = (el: XElement | undefined): string => (el ? textContent(el) : '').replace(/\s+/g, '');

function isAncestor(a: XParent, b: XElement): boolean {
  for (let n: XParent = b; n; n = n.type === 9 ? null : n.parent) if (n === a) return true;
  return false;
}

interface RefResult { ok: boolean; problem?: string; whole: boolean }

function checkReference(doc: XDocument, sig: XElement, ref: XElement): RefResult {
  const uri = attr(ref, 'URI') ?? '';
  let target: XDocument | XElement;
  if (uri === '') target = doc;
  else if (uri.startsWith('#')) {
    try {
      target = findById(doc, uri.slice(1));
    } catch (e) {
      return { ok: false, problem: e instanceof AgentError ? (e.data.detail ?? e.message) : String(e), whole: false };
    }
  } else return { ok: false, problem: `external reference ${uri} is not supported`, whole: false };
  let enveloped = false;
  let c14n = 'c14n';
  for (const t of dsChildren(dsChild(ref, 'Transforms'), 'Transform')) {
    const alg = attr(t, 'Algorithm') ?? '';
    if (alg === ENVELOPED) enveloped = true;
    else if (C14N_BY_URI.has(alg)) c14n = C14N_BY_URI.get(alg) as string;
    else return { ok: false, problem: `unsupported transform ${alg}`, whole: false };
  }
  const hash = DIGEST_BY_URI.get(attr(dsChild(ref, 'DigestMethod') ?? ref, 'Algorithm') ?? '');
  if (!hash) return { ok: false, problem: 'unsupported digest method', whole: false };
  const canonical = canonicalize(target, { exclusive: c14n.startsWith('exc'), withComments: false, exclude: enveloped ? sig : null });
  const digest = createHash(NODE_HASH[hash]).update(canonical, 'utf8').digest('base64');
  const whole = target === doc || target === doc.root;
  if (digest !== text(dsChild(ref, 'DigestValue'))) return { ok: false, problem: `digest mismatch for reference "${uri}"`, whole };
  // A reference to an element containing this Signature verifies only with the enveloped transform.
  if (!enveloped && isAncestor(target, sig)) return { ok: false, problem: `reference "${uri}" contains the signature without the enveloped transform`, whole };
  return { ok: true, whole };
}

/** Verifies every XMLDSig Signature in `xml`. Unparsable/unsafe input → DOCUMENT_INVALID. */
export async function verifyXml(xml: Uint8Array, options: VerifyOptions = {}): Promise<SignatureReport[]> {
  const { doc } = parseXml(xml);
  const sigs = [doc.root, ...descendants(doc.root)].filter((e) => e.namespaceURI === DSIG_NS && e.localName === 'Signature');
  const reports: SignatureReport[] = [];
  for (const [i, sig] of sigs.entries()) {
    const report: SignatureReport = { format: 'xml', id: attr(sig, 'Id') ?? String(i), integrity: false, coversWholeDocument: false };
    reports.push(report);
    const timeEl = descendants(sig).find((e) => e.localName === 'SigningTime');
    if (timeEl) {
      const t = textContent(timeEl).trim();
      // Zone-less e-invoice times are Vietnam local time (UTC+7).
      const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}+07:00`);
      if (!Number.isNaN(d.getTime())) report.signingTime = d;
    }
    const certEls = dsDescendants(sig, 'X509Certificate');
    const carried = certEls.slice(1).map((e) => new Uint8Array(Buffer.from(text(e), 'base64')));
    let cert: pkijs.Certificate;
    try {
      report.certificate = new Uint8Array(Buffer.from(text(certEls[0]), 'base64'));
      cert = pkijs.Certificate.fromBER(new Uint8Array(report.certificate));
    } catch {
      report.problem = 'no usable X509Certificate in KeyInfo';
      continue;
    }
    report.signer = commonName(cert);
    report.carried = carried;
    // XAdES properties by name (their own timestamps are not checked here: docs/trust.md "Verification").
    const names = new Set(descendants(sig).map((e) => e.localName));
    report.ades = { signed: names.has('SignedProperties'), timestamp: names.has('SignatureTimeStamp'), validationData: names.has('RevocationValues'), archive: names.has('ArchiveTimeStamp') };
    const signedInfo = dsChild(sig, 'SignedInfo');
    const c14nName = C14N_BY_URI.get(attr(dsChild(signedInfo, 'CanonicalizationMethod') ?? sig, 'Algorithm') ?? '');
    const method = signatureMethodFromUri(attr(dsChild(signedInfo, 'SignatureMethod') ?? sig, 'Algorithm') ?? '');
    if (!signedInfo || !c14nName || !method) {
      report.problem = 'unsupported or missing SignedInfo algorithms';
      continue;
    }
    const refs = dsChildren(signedInfo, 'Reference').map((r) => checkReference(doc, sig, r));
    const badRef = refs.find((r) => !r.ok);
    const siText = canonicalize(signedInfo, { exclusive: c14nName.startsWith('exc'), withComments: c14nName.endsWith('with-comments') });
    const value = new Uint8Array(Buffer.from(text(dsChild(sig, 'SignatureValue')), 'base64'));
    const sigOk = verifyData(publicKeyOf(cert), method.scheme, method.hash, new Uint8Array(Buffer.from(siText, 'utf8')), value, { ecdsaRaw: true });
    report.integrity = refs.length > 0 && !badRef && sigOk;
    if (refs.length === 0) report.problem = 'no Reference';
    else if (badRef) report.problem = badRef.problem;
    else if (!sigOk) report.problem = 'the SignatureValue does not verify with the certificate';
    report.coversWholeDocument = report.integrity && refs.some((r) => r.whole);
    // SigningTime is the signer's claim, not evidence: validate the chain now unless told otherwise.
    const chain = await checkChain(report.certificate, [...carried, ...(options.intermediates ?? [])], options.trustAnchors, options.at ?? new Date());
    if (chain) {
      report.chainValid = chain.valid;
      if (chain.problem) report.chainProblem = chain.problem;
    }
  }
  return reports;
}
