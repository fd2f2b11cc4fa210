// A local RFC 3161 TSA for tests: node:http on 127.0.0.1 answering with `openssl ts -reply`, plus failure modes.
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createTestPki, type TestPki } from '../../agent/signing/testing/test-pki.js';

const run = promisify(execFile);

/**
 * Paths select behaviour: `/` or `/ok` a normal reply; `/reject` PKIStatus rejection; `/garbage` bytes that are not
 * a TimeStampResp; `/http500`; `/hang` never answers; `/other-imprint` a granted token over a different hash;
 * `/no-nonce` a granted token without the nonce.
 */
export interface LocalTsa {
  url: string;
  /** TSA PKI (its own root + CA), PEM concatenated, for `openssl ts -verify -CAfile`. */
  chainPem: string;
  chainFile: string;
  tsaCertFile: string;
  pki: TestPki;
  requests: number;
  close(): Promise<void>;
}

export async function startLocalTsa(): Promise<LocalTsa> {
  const dir = await mkdtemp(join(tmpdir(), 'kyso-tsa-'));
  const pki = await createTestPki();
  const tsa = await pki.issue('KYSO TEST TSA', 'RSA-2048', { eku: ['1.3.6.1.5.5.7.3.8'], ekuCritical: true });
  const files = {
    cert: join(dir, 'tsa.pem'), key: join(dir, 'tsa.key'), chain: join(dir, 'chain.pem'), cnf: join(dir, 'tsa.cnf'), serial: join(dir, 'serial'),
  };
  await writeFile(files.cert, tsa.certPem);
  await writeFile(files.key, tsa.keyPem);
  await writeFile(files.chain, pki.chainPem);
  await writeFile(files.serial, '01\n');
  await writeFile(files.cnf, [
    '[ tsa ]', 'default_tsa = tsa_config1', '[ tsa_config1 ]', `serial = ${files.serial}`, 'crypto_device = builtin',
    `signer_cert = ${files.cert}`, `certs = ${files.chain}`, `signer_key = ${files.key}`, 'signer_digest = sha256',
    'default_policy = 1.2.3.4.1', 'digests = sha1, sha256, sha384, sha512', 'accuracy = secs:1', 'ordering = yes',
    'tsa_name = no', 'ess_cert_id_chain = no', 'ess_cert_id_alg = sha256', '',
  ].join('\n'));
  let counter = 0;

  async function reply(query: Buffer): Promise<Buffer> {
    const n = counter++;
    const q = join(dir, `q${n}.tsq`);
    const r = join(dir, `r${n}.tsr`);
    await writeFile(q, query);
    try {
      await run('openssl', ['ts', '-reply', '-config', files.cnf, '-queryfile', q, '-out', r]);
      return await readFile(r);
    } finally {
      await rm(q, { force: true });
      await rm(r, { force: true });
    }
  }

  /** Re-writes a query: other imprint (random hash) and/or no nonce, keeping the algorithm. */
  function alterQuery(query: Buffer, change: 'imprint' | 'nonce'): Buffer {
    const req = pkijs.TimeStampReq.fromBER(new Uint8Array(query));
    if (change === 'imprint') {
      const len = req.messageImprint.hashedMessage.valueBlock.valueHexView.length;
      req.messageImprint.hashedMessage = new asn1js.OctetString({ valueHex: new Uint8Array(randomBytes(len)) });
    } else delete req.nonce;
    return Buffer.from(req.toSchema().toBER(false));
  }

  const rejection = (): Buffer => Buffer.from(new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.rejection, statusStrings: [new asn1js.Utf8String({ value: 'policy not supported' })] }),
  }).toSchema().toBER(false));

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      tsaState.requests++;
      if (path === '/hang') return;
      const send = (status: number, body: Buffer): void => {
        res.writeHead(status, { 'Content-Type': 'application/timestamp-reply', 'Content-Length': body.length });
        res.end(body);
      };
      if (path === '/http500') return send(500, Buffer.from('error'));
      if (path === '/garbage') return send(200, Buffer.from('this is not DER'));
      if (path === '/reject') return send(200, rejection());
      const query = Buffer.concat(chunks);
      const q = path === '/other-imprint' ? alterQuery(query, 'imprint') : path === '/no-nonce' ? alterQuery(query, 'nonce') : query;
      reply(q).then((body) => send(200, body), () => send(500, Buffer.from('openssl failed')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const tsaState: LocalTsa = {
    url: `http://127.0.0.1:${port}/`,
    chainPem: pki.chainPem,
    chainFile: files.chain,
    tsaCertFile: files.cert,
    pki,
    requests: 0,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  return tsaState;
}
