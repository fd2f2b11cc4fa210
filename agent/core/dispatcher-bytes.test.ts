// A large message handed to the dispatcher as its UTF-8 bytes (docs/security.md "Large messages from approved
// sites") reaches its method with the same params, and is refused with the same errors, as the same message as text.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from './protocol/encoding.js';
import { BYTES_FROM } from './protocol/json-bytes.js';
import { joinPieces } from './protocol/pieces.js';
import { makeCert } from './testing/certs.js';
import { createTestAgent } from './testing/harness.js';

const APPROVED = 'https://portal.example';
const enc = new TextEncoder();

function fill(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1_103_515_245 + 12_345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

const withPrefix = (prefix: string, n: number, seed: number) => {
  const out = fill(n, seed);
  out.set(enc.encode(prefix));
  return out;
};
const PDF = encodeBase64(withPrefix('%PDF-1.7\n', 1_200_000, 1));
const XML = encodeBase64(withPrefix('<r>', 400_000, 2));
const DATA = encodeBase64(fill(900_001, 3));

/** What a run left behind, with documents as their length and digest (a deep compare of megabytes is slow). */
function trace(a: ReturnType<typeof createTestAgent>, reply: string | null): string {
  return JSON.stringify(
    { reply: reply === null ? null : JSON.parse(reply), documents: a.documents, prompt: a.prompt.calls, confirm: a.prompt.confirmRequests, tokens: a.tokens.calls },
    (_k, v: unknown) => (v instanceof Uint8Array ? `${v.length} bytes ${createHash('sha256').update(v).digest('hex')}` : v),
  );
}

/** The same message through two fresh agents, as text and as bytes; both traces, the first checked to be a large message. */
async function both(message: string, origin = APPROVED): Promise<{ text: string; bytes: string; reply: { result?: unknown; error?: { data: { reason: string; detail?: string } }; id?: unknown } | null }> {
  const bytes = enc.encode(message);
  expect(bytes.length).toBeGreaterThanOrEqual(BYTES_FROM);
  const runs: string[] = [];
  let reply: string | null = null;
  for (const raw of [message, bytes]) {
    const a = agent();
    let parsed = 0;
    const answer = await a.dispatcher.handle(raw, a.connect(origin), () => parsed++);
    reply = answer === null ? null : joinPieces(answer);
    expect(parsed).toBe(1);
    runs.push(trace(a, reply));
  }
  return { text: runs[0]!, bytes: runs[1]!, reply: reply === null ? null : JSON.parse(reply) };
}

/** One certificate for every agent here, so two runs' traces can be compared. */
const CERT = makeCert();
const certId = CERT.certId;
const agent = () => createTestAgent({ policy: { allowedOrigins: [APPROVED] }, tokens: { certificates: [CERT] } });
const call = (method: string, params: unknown, id: unknown = 1) => JSON.stringify({ jsonrpc: '2.0', id, method, params });

describe('dispatcher: a large message as bytes', () => {
  it('signs_theSameDocuments_asForTheText', async () => {
    for (const message of [
      call('sign.pdf', { certId, pdf: PDF, fileName: 'hợp đồng.pdf', reason: 'Phê duyệt' }),
      call('sign.cms', { certId, data: DATA, detached: true, fileName: 'a.bin' }),
      call('sign.xml', { certId, xml: encodeBase64(withPrefix('<r>', 900_000, 4)), profile: 'enveloped' }),
      call('sign.batch', {
        certId, label: 'Lô',
        items: [
          { kind: 'pdf', params: { pdf: PDF, fileName: 'a.pdf' } },
          { kind: 'xml', params: { xml: XML, profile: 'einvoice' } },
          { kind: 'cms', params: { data: DATA } },
          { kind: 'hash', params: { hash: encodeBase64(new Uint8Array(32).fill(9)), hashAlgorithm: 'SHA-256' } },
        ],
      }),
      // A PHP backend's json_encode writes '/' as '\/': text, unescaped, decoded as before.
      call('sign.pdf', { certId, pdf: PDF, fileName: 'a.pdf' }).replaceAll('/', '\\/'),
    ]) {
      const r = await both(message);
      expect(r.reply?.error, message.slice(0, 80)).toBeUndefined();
      expect(r.reply?.result, message.slice(0, 80)).toBeDefined();
      expect(r.bytes, message.slice(0, 80)).toBe(r.text);
    }
  });

  it('refuses_withTheSameErrors', async () => {
    const cases: Array<[string, string, string]> = [
      ['padding missing', call('sign.pdf', { certId, pdf: PDF.slice(0, -1), fileName: 'a.pdf' }), 'INVALID_PARAMS'],
      ['not base64', call('sign.pdf', { certId, pdf: `${PDF.slice(0, 5000)}*${PDF.slice(5001)}`, fileName: 'a.pdf' }), 'INVALID_PARAMS'],
      ['too long for its field', call('sign.cms', { certId, hash: PDF, hashAlgorithm: 'SHA-256' }), 'PAYLOAD_TOO_LARGE'],
      ['too long, in a batch item', call('sign.batch', { certId, label: 'x', items: [{ kind: 'hash', params: { hash: PDF, hashAlgorithm: 'SHA-256' } }] }), 'PAYLOAD_TOO_LARGE'],
      ['not a document', call('sign.pdf', { certId, pdf: encodeBase64(fill(1_200_000, 7)), fileName: 'a.pdf' }), 'DOCUMENT_INVALID'],
      ['unknown member', call('sign.pdf', { certId, pdf: PDF, fileName: 'a.pdf', extra: DATA }), 'INVALID_PARAMS'],
      ['method not found', call('sign.nope', { certId, pdf: PDF }), 'METHOD_NOT_FOUND'],
      ['malformed', `${call('sign.pdf', { certId, pdf: PDF, fileName: 'a.pdf' })}}`, 'PARSE_ERROR'],
      ['truncated', call('sign.pdf', { certId, pdf: PDF, fileName: 'a.pdf' }).slice(0, -100), 'PARSE_ERROR'],
      ['forbidden key', call('sign.pdf', { certId, pdf: PDF, fileName: 'a.pdf' }).replace('"params":{', '"params":{"__proto__":{},'), 'INVALID_REQUEST'],
      ['method is a long base64 text', call(PDF, {}), 'METHOD_NOT_FOUND'],
      ['id is a long base64 text', call('sign.pdf', {}, PDF), 'INVALID_REQUEST'],
      ['params is a long base64 text', call('sign.pdf', PDF), 'INVALID_REQUEST'],
    ];
    for (const [label, message, reason] of cases) {
      const r = await both(message);
      expect(r.reply?.error?.data.reason, label).toBe(reason);
      expect(r.bytes, label).toBe(r.text);
    }
    const denied = await both(call('sign.pdf', { certId, pdf: PDF, fileName: 'a.pdf' }), 'https://other.example');
    expect(denied.reply?.error?.data.reason).toBe('ACCESS_DENIED');
    expect(denied.bytes).toBe(denied.text);
  });

  it('aLongBase64Value_inAFieldThatIsNotBase64_isInvalidParams', async () => {
    // Every other text field's limit is far below a lifted literal's length; a strict object whose members are all
    // optional must not take the decoded stand-in for an empty object.
    for (const [label, message] of [
      ['fileName', call('sign.pdf', { certId, pdf: PDF, fileName: DATA })],
      ['certId', call('sign.pdf', { certId: DATA, pdf: PDF, fileName: 'a.pdf' })],
      ['an optional strict object', call('sign.xml', { certId, xml: XML, profile: 'enveloped', reference: DATA })],
      ['an array', call('sign.pdf', { certId, pdf: PDF, fileName: 'a.pdf', appearance: { pages: DATA } })],
      ['a number or "last"', call('sign.pdf', { certId, pdf: PDF, fileName: 'a.pdf', appearance: { page: DATA } })],
      ['a batch item kind', call('sign.batch', { certId, label: 'x', items: [{ kind: DATA, params: {} }, { kind: 'pdf', params: { pdf: PDF, fileName: 'a.pdf' } }] })],
      ['the items', call('sign.batch', { certId, label: 'x', items: DATA + PDF })],
      ['a boolean', call('sign.cms', { certId, data: PDF, detached: DATA })],
    ] as const) {
      const r = await both(message);
      expect(r.reply?.error?.data.reason, label).toBe('INVALID_PARAMS');
      // The detail names the same field (its wording may differ: "expected string" instead of a length limit).
      const field = (t: string) => (JSON.parse(t) as { reply: { error: { data: { detail: string } } } }).reply.error.data.detail.split(':')[0];
      expect(field(r.bytes), label).toBe(field(r.text));
    }
  });

  it('isCountedUntilParsed_beforeAnyDialog', async () => {
    const a = agent();
    const marks: string[] = [];
    const reply = await a.dispatcher.handle(enc.encode(call('sign.pdf', { certId, pdf: PDF, fileName: 'a.pdf' })), a.connect(APPROVED), () => marks.push(`parsed (dialogs so far: ${a.prompt.calls.confirmSigning})`));
    expect(JSON.parse(joinPieces(reply!)).result).toBeDefined();
    expect(marks).toEqual(['parsed (dialogs so far: 0)']);
    expect(a.prompt.calls.confirmSigning).toBe(1);
  });

  it('oversizedBytes_arePayloadTooLarge_andOtherValuesInvalidRequest', async () => {
    const a = agent();
    const r = JSON.parse(joinPieces((await a.dispatcher.handle(new Uint8Array(96 * 1024 * 1024 + 1), a.connect(APPROVED)))!));
    expect(r.error.data.reason).toBe('PAYLOAD_TOO_LARGE');
    const n = JSON.parse(joinPieces((await a.dispatcher.handle(42 as unknown as string, a.connect(APPROVED)))!));
    expect(n.error.data).toMatchObject({ reason: 'INVALID_REQUEST', detail: 'not a text message' });
  });
});
