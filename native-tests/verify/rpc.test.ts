// Native: document.verify over wss on the real headless agent — the policy's trust anchors, the lazy verifier, the
// report as the result, no dialog; agent.info offers it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PdfSignOptions } from '../../agent/core/ports.js';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import type { VerificationReport } from '../../agent/core/verify/report.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import { createDocumentSigners } from '../../agent/signing/index.js';
import { RpcClient } from '../server/agent-client.js';
import { fixtureSigner, kyso } from '../signing/helpers.js';
import { makePdf } from '../signing/pdf-fixtures/make.js';

const PORTAL = 'https://portal.example.vn';
let dir: string;
let agent: RunningAgent;
let prompt: ScriptedPrompt;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kyso-verify-rpc-'));
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ allowedOrigins: [PORTAL], trust: { anchors: [kyso.pki.rootCertFile] } }));
  prompt = new ScriptedPrompt({});
  agent = await startAgent({ vnptPorts: [], dataDir: join(dir, 'data'), policyPath: join(dir, 'policy.json'), home: dir, port: 0, prompt, modules: [] });
});
afterAll(async () => {
  await agent?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('document.verify answers the report of a signed PDF, without any dialog', async () => {
  const documents = createDocumentSigners();
  const options: PdfSignOptions = { fileName: 'hop-dong.pdf', hashAlgorithm: 'SHA-256', level: 'B-B', signingTime: new Date() };
  const signed = await documents.signPdf((await documents.describePdf(await makePdf({ pages: 1 }))).plan, options, fixtureSigner('citizen'));
  const client = await RpcClient.open(`wss://127.0.0.1:${agent.tlsPort}/v1/ws`, PORTAL, agent.tls.caPem);
  try {
    expect(await client.ok<{ features: string[] }>('agent.info')).toMatchObject({ features: expect.arrayContaining(['document.verify']) });
    const { report } = await client.ok<{ report: VerificationReport }>('document.verify', { document: Buffer.from(signed).toString('base64'), fileName: 'hợp đồng.pdf' });
    // Anchored through the policy's anchor; the demo PKI publishes no revocation data: cannot be determined.
    expect(report).toMatchObject({ format: 'pdf', fileName: 'hợp đồng.pdf', verdict: 'indeterminate', reason: 'STATUS_UNKNOWN' });
    expect(report.signatures[0]).toMatchObject({
      signer: { commonName: kyso.pki.certs.citizen.commonName, identifiers: kyso.pki.certs.citizen.identifiers },
      trust: { anchored: true }, integrity: { intact: true, coversWholeDocument: true }, level: 'B-B', statusNow: { status: 'unknown' },
    });
    const bad = await client.call('document.verify', { document: Buffer.from('not signed').toString('base64') });
    expect(bad.error?.data.reason).toBe('DOCUMENT_INVALID');
    expect(prompt.calls).toMatchObject({ requestAccess: 0, chooseCertificate: 0, confirmSigning: 0 });
  } finally {
    client.close();
  }
});
