// A loopback OCSP responder (RFC 6960, nonce echoed), CRL and caIssuers server for the status PKI (tests, bench, demo).
import { createHash, sign as cryptoSign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import type { StatusPki } from './status-pki.js';

const NONCE_OID = '1.3.6.1.5.5.7.48.1.2';
const HASHES: Record<string, string> = { '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256' };

export interface StatusResponder {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** Requests seen per path (`/ocsp`, `/ca.crl`, `/ca.cer`, `/root.cer`, other). */
  hits: Record<string, number>;
  /** Serves this PKI from now on (the PKI needs the URL first, so it comes after listen). */
  serve(pki: StatusPki): void;
  /** Test knobs: answer `tryLater`, drop the nonce, sign with the CA itself instead of the delegated responder. */
  options: { tryLater: boolean; echoNonce: boolean; signer: 'responder' | 'ca' };
  close(): Promise<void>;
}

type Node = asn1js.AsnType & { valueBlock: { value?: Node[]; valueHexView?: Uint8Array }; idBlock: { tagClass: number; tagNumber: number }; valueBeforeDecodeView: Uint8Array };
const kids = (n: Node | undefined): Node[] => n?.valueBlock.value ?? [];

function genTime(d: Date): asn1js.GeneralizedTime {
  return new asn1js.GeneralizedTime({ valueDate: new Date(Math.floor(d.getTime() / 1000) * 1000) });
}
function ctx(tag: number, value: asn1js.AsnType[]): asn1js.Constructed {
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: tag }, value });
}
function ocspStatus(code: number): Uint8Array {
  return new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Enumerated({ value: code })] }).toBER());
}

/** Builds a signed BasicOCSPResponse for the request `der`, answering from the PKI's plan. */
export function answerOcsp(pki: StatusPki, der: Uint8Array, options: { echoNonce: boolean; signer: 'responder' | 'ca' }, now = new Date()): Uint8Array {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) return ocspStatus(1);
  const tbs = kids(parsed.result as unknown as Node)[0];
  const fields = kids(tbs);
  const list = fields.find((f) => f instanceof asn1js.Sequence);
  const extsNode = fields.find((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 2);
  const nonceExt = kids(kids(extsNode)[0]).find((e) => (kids(e)[0] as unknown as asn1js.ObjectIdentifier).valueBlock.toString() === NONCE_OID);
  const caKeyBits = caPublicKeyBits(pki.ca.der);
  const singles: asn1js.Sequence[] = [];
  for (const request of kids(list)) {
    const certId = kids(request)[0]!;
    const [alg, , keyHash, serial] = kids(certId);
    const hash = HASHES[(kids(alg)[0] as unknown as asn1js.ObjectIdentifier).valueBlock.toString()];
    const serialHex = Buffer.from(serial!.valueBlock.valueHexView!).toString('hex').replace(/^00(?=[89a-f])/, '');
    const ours = hash !== undefined && Buffer.from(keyHash!.valueBlock.valueHexView!).equals(createHash(hash).update(caKeyBits).digest());
    const cert = ours ? Object.values(pki.certs).find((c) => c.serialHex === serialHex) : undefined;
    let status: asn1js.AsnType;
    if (!cert || cert.plan.status === 'unknown') status = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
    else if (cert.plan.status === 'good') status = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
    else status = ctx(1, [genTime(cert.plan.revokedAt), ctx(0, [new asn1js.Enumerated({ value: cert.plan.reason })])]);
    singles.push(new asn1js.Sequence({
      value: [asn1js.fromBER(certId.valueBeforeDecodeView).result, status, genTime(now), ctx(0, [genTime(new Date(now.getTime() + 3_600_000))])],
    }));
  }
  const signer = options.signer === 'ca' ? { der: pki.ca.der, key: pki.ca.key } : pki.responder;
  const responderKeyHash = createHash('sha1').update(caPublicKeyBits(signer.der)).digest();
  const data: asn1js.AsnType[] = [ctx(2, [new asn1js.OctetString({ valueHex: responderKeyHash })]), genTime(now), new asn1js.Sequence({ value: singles })];
  if (nonceExt && options.echoNonce) data.push(ctx(1, [new asn1js.Sequence({ value: [asn1js.fromBER(nonceExt.valueBeforeDecodeView).result] })]));
  const tbsData = new asn1js.Sequence({ value: data }).toBER();
  const signature = cryptoSign('sha256', new Uint8Array(tbsData), signer.key.privateKey);
  const basic = new asn1js.Sequence({
    value: [
      asn1js.fromBER(tbsData).result,
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.1.11' }), new asn1js.Null()] }),
      new asn1js.BitString({ valueHex: signature }),
      ctx(0, [new asn1js.Sequence({ value: [asn1js.fromBER(signer.der).result] })]),
    ],
  });
  return new Uint8Array(new asn1js.Sequence({
    value: [
      new asn1js.Enumerated({ value: 0 }),
      ctx(0, [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: '1.3.6.1.5.5.7.48.1.1' }), new asn1js.OctetString({ valueHex: basic.toBER() })] })]),
    ],
  }).toBER());
}

/** The subjectPublicKey BIT STRING contents of a certificate. */
function caPublicKeyBits(certDer: Uint8Array): Uint8Array {
  const tbs = kids(kids(asn1js.fromBER(certDer).result as unknown as Node)[0]);
  const o = tbs[0]!.idBlock.tagClass === 3 ? 1 : 0;
  return kids(tbs[o + 5])[1]!.valueBlock.valueHexView!;
}

/** Starts the server on 127.0.0.1 (port 0: any free port). */
export async function startStatusResponder(port = 0): Promise<StatusResponder> {
  let pki: StatusPki | undefined;
  const hits: Record<string, number> = {};
  const options: StatusResponder['options'] = { tryLater: false, echoNonce: true, signer: 'responder' };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const key = path.startsWith('/ocsp') ? '/ocsp' : path;
    hits[key] = (hits[key] ?? 0) + 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (type: string, body: Uint8Array): void => {
        res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(Buffer.from(body));
      };
      if (!pki) return void res.writeHead(503).end();
      if (key === '/ocsp') {
        if (options.tryLater) return send('application/ocsp-response', ocspStatus(3));
        const body = req.method === 'GET' ? new Uint8Array(Buffer.from(decodeURIComponent(path.slice('/ocsp/'.length)), 'base64')) : new Uint8Array(Buffer.concat(chunks));
        return send('application/ocsp-response', answerOcsp(pki, body, options));
      }
      if (path === '/ca.crl') return send('application/pkix-crl', pki.crl);
      if (path === '/root.crl') return send('application/pkix-crl', pki.rootCrl);
      if (path === '/ca.cer') return send('application/pkix-cert', pki.ca.der);
      if (path === '/root.cer') return send('application/pkix-cert', pki.root.der);
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${bound}`, hits, options,
    serve(next) {
      pki = next;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
