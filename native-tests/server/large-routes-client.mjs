// The client side of large-routes.test.ts, in its own process so the agent's event-loop figures are the agent's
// alone: sends one 64 MiB document through the VNPT-compatible listener (the plugin's wire) or through the extension
// relay's local channel (as the native host does), and prints the reply's status as one JSON line.
// Usage: node large-routes-client.mjs vnpt PORT CA_FILE ORIGIN SERIAL
//        node large-routes-client.mjs relay-rpc|relay-vnpt SOCKET KEY_FILE ORIGIN CERT_ID SERIAL
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import WebSocket from 'ws';

const [mode, ...args] = process.argv.slice(2);
const MiB = 1024 * 1024;
const data = Buffer.alloc(64 * MiB, 3).toString('base64');
/** The plugin's SignCMS (function 4): the data and a CmsSigner option object naming the certificate. */
const vnptFrame = (serial) => JSON.stringify({ functionID: 4, funcCallback: 'cmsDone', args: [data, JSON.stringify({ CertificateSerial: serial, DigestAlgorithm: 'SHA256' })], domain: 'x' });
const done = (o) => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
  process.exit(o.ok ? 0 : 1);
};
/** The plugin's answer `<result JSON>*<callback>`: code 0 and an attached SignedData larger than the data. */
const vnptVerdict = (text) => {
  const star = text.lastIndexOf('*');
  const result = JSON.parse(text.slice(0, star));
  return { ok: result.code === 0 && result.data.length > data.length && text.slice(star + 1) === 'cmsDone', reason: result.error || undefined, bytes: text.length };
};

if (mode === 'vnpt') {
  const [port, caFile, origin, serial] = args;
  const ws = new WebSocket(`wss://localhost:${port}/plugin`, { origin, ca: readFileSync(caFile, 'utf8'), perMessageDeflate: false, maxPayload: 0 });
  ws.on('open', () => ws.send(vnptFrame(serial)));
  ws.on('message', (d) => done(vnptVerdict(d.toString())));
  ws.on('error', (e) => done({ ok: false, reason: `socket: ${e.message}` }));
} else {
  // The local channel (docs/extension.md): 4-byte LE length, then `{`-JSON control or 0x01 + LE stream id + text.
  const [path, keyFile, origin, certId, serial] = args;
  const key = readFileSync(keyFile, 'utf8').trim();
  const proof = (role, h, a) => createHmac('sha256', Buffer.from(key, 'utf8')).update(`kyso-agent relay ${role}\n${h}\n${a}`).digest('hex');
  const control = (m) => {
    const body = Buffer.from(JSON.stringify(m));
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length);
    return Buffer.concat([head, body]);
  };
  const dataFrame = (s, text) => {
    const body = Buffer.from(text, 'utf8');
    const head = Buffer.alloc(9);
    head.writeUInt32LE(body.length + 5, 0);
    head[4] = 1;
    head.writeUInt32LE(s, 5);
    return [head, body];
  };
  const hostNonce = randomBytes(32).toString('hex');
  const sock = connect(path);
  // Received bytes, joined only once a whole frame is there (no quadratic concatenation of an 85 MiB answer).
  let chunks = [];
  let have = 0;
  sock.on('connect', () => sock.write(control({ t: 'hello', relay: 2, version: 't', role: 'host', nonce: hostNonce })));
  sock.on('data', (c) => {
    chunks.push(c);
    have += c.length;
    for (;;) {
      if (have < 4) return;
      if (chunks[0].length < 4) chunks = [Buffer.concat(chunks)];
      const n = chunks[0].readUInt32LE(0);
      if (have < 4 + n) return;
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const body = all.subarray(4, 4 + n);
      const rest = all.subarray(4 + n);
      chunks = rest.length ? [rest] : [];
      have = rest.length;
      if (body[0] === 0x7b) onControl(JSON.parse(body.toString('utf8')));
      else onData(body.subarray(5).toString('utf8'));
    }
  });
  sock.on('error', (e) => done({ ok: false, reason: `socket: ${e.message}` }));
  sock.on('close', () => done({ ok: false, reason: 'channel closed' }));
  const kind = mode === 'relay-rpc' ? 'rpc' : 'vnpt';
  function onControl(m) {
    if (m.t === 'hello') {
      sock.write(control({ t: 'auth', proof: proof('host', hostNonce, m.nonce) }));
      sock.write(control({ t: 'open', s: 1, kind, origin }));
    } else if (m.t === 'opened') {
      const text = kind === 'rpc' ? JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'sign.cms', params: { certId, data, detached: false } }) : vnptFrame(serial);
      for (const part of dataFrame(1, text)) sock.write(part);
    } else if (m.t === 'closed' || m.t === 'error') done({ ok: false, reason: m.reason ?? m.message });
  }
  function onData(text) {
    if (kind === 'vnpt') return done(vnptVerdict(text));
    const reply = JSON.parse(text);
    done({ ok: !reply.error && reply.result.cms.length > data.length, reason: reply.error?.data?.reason, bytes: text.length });
  }
}
