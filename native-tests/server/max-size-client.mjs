// The client side of max-size-memory.test.ts, in its own process so the agent's figures are the agent's alone:
// builds one maximum-size request, sends it over wss and prints the reply's status as one JSON line.
// Usage: node max-size-client.mjs PORT CA_FILE ORIGIN CERT_ID CASE [FILE] (FILE: the document of the 'office' case)
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

const [port, caFile, origin, certId, kase, file] = process.argv.slice(2);
const MiB = 1024 * 1024;

/** A valid PDF of about `size` bytes: one page and one unreferenced stream of padding. */
function bigPdf(size) {
  const parts = [];
  const offsets = [];
  let len = 0;
  const push = (b) => {
    const x = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(x);
    len += x.length;
  };
  const obj = (n, body) => {
    offsets[n] = len;
    push(`${n} 0 obj\n`);
    push(body);
    push('\nendobj\n');
  };
  push('%PDF-1.7\n');
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  obj(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>');
  const pad = Buffer.alloc(size, 0x41);
  obj(4, Buffer.concat([Buffer.from(`<< /Length ${pad.length} >>\nstream\n`), pad, Buffer.from('\nendstream')]));
  const xref = len;
  push(`xref\n0 5\n0000000000 65535 f \n${[1, 2, 3, 4].map((n) => `${String(offsets[n]).padStart(10, '0')} 00000 n \n`).join('')}`);
  push(`trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

const b64 = (s) => Buffer.from(s).toString('base64');
const cases = {
  'xml-flat': () => ['sign.xml', { profile: 'enveloped', xml: b64(`<r>${'<a/><b/>'.repeat((64 * MiB - 8) / 8)}</r>`) }],
  'xml-text': () => ['sign.xml', { profile: 'enveloped', xml: b64(`<r><t>${'x'.repeat(60 * MiB)}</t></r>`) }],
  pdf: () => ['sign.pdf', { fileName: 'big.pdf', pdf: bigPdf(63 * MiB).toString('base64') }],
  cms: () => ['sign.cms', { data: Buffer.alloc(64 * MiB, 3).toString('base64') }],
  office: () => ['sign.office', { fileName: 'big.docx', document: readFileSync(file).toString('base64') }],
  batch: () => ['sign.batch', { label: 'lô', items: Array.from({ length: 500 }, (_, i) => ({ kind: 'xml', params: { profile: 'enveloped', xml: b64(`<r><n>${i}</n></r>`) } })) }],
};
const [method, params] = cases[kase]();
const message = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { certId, ...params } });
const ws = new WebSocket(`wss://127.0.0.1:${port}/v1/ws`, { origin, ca: readFileSync(caFile, 'utf8'), perMessageDeflate: false, maxPayload: 0 });
ws.on('open', () => ws.send(message));
ws.on('message', (data) => {
  const text = data.toString();
  const error = text.includes('"error"') ? JSON.parse(text).error : undefined;
  process.stdout.write(JSON.stringify({ ok: !error, reason: error?.data?.reason, bytes: text.length }) + '\n');
  ws.close();
});
ws.on('close', () => process.exit(0));
ws.on('error', (e) => {
  process.stdout.write(JSON.stringify({ ok: false, reason: `socket: ${e.message}` }) + '\n');
  process.exit(1);
});
