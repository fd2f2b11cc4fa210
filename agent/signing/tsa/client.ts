// RFC 3161 time-stamp client: request with nonce over HTTP(S), bounded in time and size, reply checked before use.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AgentError } from '../../core/errors.js';
import type { HashAlgorithm } from '../../core/types.js';
import { HASH_OID } from '../../asn1/index.js';

const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const ID_CT_TSTINFO = '1.2.840.113549.1.9.16.1.4';

export interface TimestampRequestOptions {
  /** Whole-exchange limit (connect + reply), default 10 s. */
  timeoutMs?: number;
  /** Largest reply accepted, default 1 MiB. */
  maxReplyBytes?: number;
}

/** A checked RFC 3161 token. */
export interface TimestampToken {
  /** ContentInfo(SignedData(TSTInfo)) DER, as it goes into an unsigned attribute or a PDF. */
  token: Uint8Array;
  genTime: Date;
  /** Hex serial number of the TSTInfo. */
  serialNumber: string;
}

const fail = (detail: string, logDetail?: string): AgentError => new AgentError('TSA_FAILED', 'Timestamp authority failed', { detail }, logDetail);

/**
 * Asks the TSA at `url` for a timestamp over `digest` (already hashed with `hashAlgorithm`). Any failure — network,
 * timeout, HTTP status, PKIStatus not granted, imprint or nonce mismatch, unparsable token — is TSA_FAILED with a detail.
 */
export async function requestTimestamp(url: string, digest: Uint8Array, hashAlgorithm: HashAlgorithm, options: TimestampRequestOptions = {}): Promise<TimestampToken> {
  // A positive 64-bit nonce with a non-zero first byte keeps the INTEGER minimal and comparable as hex.
  const nonce = randomBytes(8);
  nonce[0] = ((nonce[0] as number) & 0x7f) | 0x01;
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OID[hashAlgorithm], algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(digest) }),
    }),
    nonce: new asn1js.Integer({ valueHex: new Uint8Array(nonce) }),
    certReq: true,
  });
  const body = new Uint8Array(req.toSchema().toBER(false));
  const reply = await post(url, body, options.timeoutMs ?? 10_000, options.maxReplyBytes ?? 1 << 20);
  return checkReply(reply, digest, hashAlgorithm, nonce);
}

function checkReply(reply: Uint8Array, digest: Uint8Array, hashAlgorithm: HashAlgorithm, nonce: Uint8Array): TimestampToken {
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(new Uint8Array(reply));
  } catch (e) {
    throw fail('the TSA reply is not a TimeStampResp', String(e));
  }
  const status = resp.status.status;
  if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ') ?? '';
    throw fail(`the TSA refused the request (PKIStatus ${status}${text ? `: ${text}` : ''})`);
  }
  const tokenInfo = resp.timeStampToken;
  if (!tokenInfo) throw fail('the TSA reply carries no token');
  const parsed = parseTimestampToken(new Uint8Array(tokenInfo.toSchema().toBER(false)));
  const tst = parsed.tstInfo;
  if (tst.messageImprint.hashAlgorithm.algorithmId !== HASH_OID[hashAlgorithm]) throw fail('the token is over a different hash algorithm');
  if (!Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(Buffer.from(digest))) throw fail('the token message imprint does not match the request');
  const got = tst.nonce ? Buffer.from(tst.nonce.valueBlock.valueHexView) : undefined;
  if (!got || !stripZeros(got).equals(stripZeros(Buffer.from(nonce)))) throw fail('the token nonce does not match the request');
  return { token: parsed.token, genTime: tst.genTime, serialNumber: Buffer.from(tst.serialNumber.valueBlock.valueHexView).toString('hex') };
}

const stripZeros = (b: Buffer): Buffer => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

/** Parses a timestamp token (ContentInfo → SignedData → TSTInfo); TSA_FAILED when it is not one. */
export function parseTimestampToken(token: Uint8Array): { token: Uint8Array; signedData: pkijs.SignedData; tstInfo: pkijs.TSTInfo } {
  try {
    const ci = pkijs.ContentInfo.fromBER(new Uint8Array(token));
    if (ci.contentType !== ID_SIGNED_DATA) throw new Error(`content type ${ci.contentType}`);
    const signedData = new pkijs.SignedData({ schema: ci.content });
    if (signedData.encapContentInfo.eContentType !== ID_CT_TSTINFO) throw new Error(`eContentType ${signedData.encapContentInfo.eContentType}`);
    const eContent = signedData.encapContentInfo.eContent;
    if (!eContent) throw new Error('no TSTInfo');
    const tstInfo = pkijs.TSTInfo.fromBER(eContent.getValue());
    return { token, signedData, tstInfo };
  } catch (e) {
    if (e instanceof AgentError) throw e;
    throw fail('the timestamp token is not a SignedData with TSTInfo', String(e));
  }
}

function post(url: string, body: Uint8Array, timeoutMs: number, maxBytes: number): Promise<Uint8Array> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(fail('the TSA URL is invalid'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(fail('the TSA URL must be http or https'));
  const requestFn = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Uint8Array>((resolve, reject) => {
    let settled = false;
    const done = (err: AgentError | null, value?: Uint8Array): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(value as Uint8Array);
    };
    const req = requestFn(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query', 'Content-Length': body.length, Accept: 'application/timestamp-reply' },
    }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        done(fail(`the TSA answered HTTP ${res.statusCode ?? 0}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) done(fail(`the TSA reply is larger than ${maxBytes} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => done(null, new Uint8Array(Buffer.concat(chunks))));
      res.on('error', (e) => done(fail('the TSA connection failed', String(e))));
    });
    const timer = setTimeout(() => done(fail(`the TSA did not answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (e) => done(fail('the TSA could not be reached', String(e))));
    req.end(body);
  });
}
