// Native (SSRF guard, T19): a signed PDF whose certificate — chaining to a trusted anchor, so its URLs would be
// fetched — points AIA OCSP, caIssuers and CRL at IPv6 forms of loopback/private addresses, or at names resolving to
// them, makes the status service open no socket: every fetch is refused before connecting, and a sentinel server
// listening on loopback (IPv4 and IPv6) sees no connection.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeFetch, type Fetch, type FetchOutcome, type Resolve } from '../../agent/certs/status/fetch.js';
import { CertificateStatusService } from '../../agent/certs/status/service.js';
import { generateDemoKey, hex, importForSigning, randomSerialHex, signingAlgorithm, vnName, type DemoKey } from '../../agent/demo/pki.js';
import { createDocumentSigners } from '../../agent/signing/index.js';
import { verifyPdf } from '../../agent/signing/pades/verify.js';
import { softwareSigner } from '../../agent/signing/testing/software-signer.js';
import { makePdf } from '../signing/pdf-fixtures/make.js';

let sentinel: Server;
let port: number;
let connections = 0;
let rootKey: DemoKey;
let rootDer: Uint8Array;
const rootName = vnName({ o: 'KYSO SSRF TEST', cn: 'KYSO SSRF TEST ROOT' });

beforeAll(async () => {
  sentinel = createServer((_req, res) => res.end('secret'));
  sentinel.on('connection', () => connections++);
  // '::' takes IPv4 (127.0.0.1) and IPv6 (::1, ::ffff:127.0.0.1) connections alike.
  await new Promise<void>((r) => sentinel.listen(0, '::', r));
  port = (sentinel.address() as AddressInfo).port;
  rootKey = await generateDemoKey('EC-P256');
  const root = await importForSigning(rootKey);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(), subject: rootName, issuer: rootName, notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 86_400_000 * 365),
    signingAlgorithm: signingAlgorithm(rootKey), publicKey: root.publicKey, signingKey: root.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.SubjectKeyIdentifierExtension(hex(rootKey.keyId)),
    ],
  });
  rootDer = new Uint8Array(cert.rawData);
});
afterAll(async () => {
  await new Promise((r) => sentinel?.close(r));
});

/** Names a hostile CA could put in its certificates, resolved by a fixed table (the guard checks after resolution). */
const names: Record<string, string[]> = {
  'ocsp.mapped.test.vn': ['::ffff:127.0.0.1'],
  'ocsp.loop.test.vn': ['127.0.0.1'],
  'ocsp.mixed.test.vn': ['203.162.4.190', '::ffff:0:127.0.0.1'],
  'ocsp.nat64.test.vn': ['64:ff9b::7f00:1'],
};
const resolve: Resolve = (name, cb) => cb(null, (names[name] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

/** The real fetch (sockets and all) with the fixed name table, recording what was asked and answered. */
function recordingFetch(): Fetch & { log: Array<{ url: string; outcome: FetchOutcome }> } {
  const real = createNodeFetch(resolve);
  const log: Array<{ url: string; outcome: FetchOutcome }> = [];
  const fn = (async (req, limits) => {
    const outcome = await real(req, limits);
    log.push({ url: req.url, outcome });
    return outcome;
  }) as Fetch & { log: typeof log };
  fn.log = log;
  return fn;
}

/** A PDF signed by a certificate from the test root whose AIA and CRL DP point at `base`. */
async function documentPointingAt(base: string): Promise<Uint8Array> {
  const key = await generateDemoKey('EC-P256');
  const { publicKey } = await importForSigning(key);
  const { signingKey } = await importForSigning(rootKey);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(), subject: vnName({ cn: 'NGƯỜI KÝ THỬ SSRF' }), issuer: rootName,
    notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 86_400_000 * 30),
    signingAlgorithm: signingAlgorithm(rootKey), publicKey, signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      new x509.AuthorityKeyIdentifierExtension(hex(rootKey.keyId)),
      new x509.AuthorityInfoAccessExtension({ ocsp: `${base}/ocsp`, caIssuers: `${base}/ca.cer` }),
      new x509.CRLDistributionPointsExtension([`${base}/ca.crl`]),
    ],
  });
  const signer = softwareSigner(key.pkcs8Pem, new Uint8Array(cert.rawData));
  const documents = createDocumentSigners();
  return documents.signPdf((await documents.describePdf(await makePdf())).plan, { fileName: 'ssrf.pdf', hashAlgorithm: 'SHA-256', level: 'B-B', signingTime: new Date() }, signer);
}

async function checkDocument(pdf: Uint8Array, allowPrivate: boolean) {
  const [sig] = await verifyPdf(pdf);
  expect(sig?.integrity).toBe(true);
  const fetch = recordingFetch();
  const service = new CertificateStatusService({ anchors: () => [rootDer], allowPrivate, timeoutMs: 2000, fetch });
  const report = await service.check({ certificate: sig!.certificate!, candidates: [], purpose: 'document' });
  return { report, log: fetch.log };
}

describe('SSRF guard: document certificates pointing at non-public addresses', () => {
  it.each([
    '[::ffff:0:7f00:1]', // IPv4-translated 127.0.0.1
    '[::ffff:7f00:1]', // IPv4-mapped 127.0.0.1
    '[64:ff9b::7f00:1]', // well-known NAT64 of 127.0.0.1
    '[64:ff9b:1::a00:1]', // local-use NAT64
    '[2002:7f00:1::1]', // 6to4 of 127.0.0.1
    '[fec0::1]', // site-local
    '[2001:0:4136:e378:8000:63bf:80ff:fffe]', // Teredo, client 127.0.0.1
    'ocsp.mapped.test.vn', 'ocsp.loop.test.vn', 'ocsp.mixed.test.vn', 'ocsp.nat64.test.vn', // names resolving to such
  ])('%s: every fetch refused before a socket, the sentinel sees nothing', async (host) => {
    const before = connections;
    const { report, log } = await checkDocument(await documentPointingAt(`http://${host}:${port}`), false);
    expect(report.status).toBe('unknown');
    expect(log.map((l) => new URL(l.url).pathname).sort()).toEqual(['/ca.crl', '/ocsp']);
    for (const { outcome } of log) expect(outcome).toMatchObject({ ok: false, refused: true });
    expect(connections).toBe(before);
  });

  it('control: with fetchPrivateAddresses the same kind of document does reach the sentinel', async () => {
    const before = connections;
    const { log } = await checkDocument(await documentPointingAt(`http://ocsp.loop.test.vn:${port}`), true);
    expect(log.length).toBeGreaterThan(0);
    expect(connections).toBeGreaterThan(before);
  });
});
