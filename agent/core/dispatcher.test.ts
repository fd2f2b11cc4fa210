import { describe, expect, it } from 'vitest';
import { encodeBase64 } from './protocol/encoding.js';
import { METHODS } from './protocol/methods.js';
import { createTestAgent } from './testing/harness.js';
import { joinPieces } from './protocol/pieces.js';

const APPROVED = 'https://portal.example';
const hash32 = encodeBase64(new Uint8Array(32).fill(1));

function agent(options: Parameters<typeof createTestAgent>[0] = {}) {
  return createTestAgent({ ...options, policy: { allowedOrigins: [APPROVED], ...options.policy } });
}

async function raw(text: string, origin = APPROVED) {
  const a = agent();
  const reply = await a.dispatcher.handle(text, a.connect(origin));
  return reply === null ? null : JSON.parse(joinPieces(reply));
}

describe('dispatcher: the transport learns when a message is parsed (docs/security.md T23)', () => {
  it('parsed_isCalledOnce_afterTheParamsAreDecoded_beforeTheDialog', async () => {
    const a = agent();
    const marks: string[] = [];
    const certId = a.tokens.certificates[0]!.certId;
    const text = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'sign.hash', params: { certId, hash: hash32, hashAlgorithm: 'SHA-256' } });
    const reply = await a.dispatcher.handle(text, a.connect(APPROVED), () => marks.push(`parsed (dialogs so far: ${a.prompt.calls.confirmSigning})`));
    expect(JSON.parse(joinPieces(reply!)).result).toBeDefined();
    expect(marks).toEqual(['parsed (dialogs so far: 0)']);
  });
  it('parsed_isCalledOnce_forRefusedMessagesToo', async () => {
    const a = agent();
    for (const text of ['{', '{"jsonrpc":"2.0","id":1,"method":"nope"}', '{"jsonrpc":"2.0","id":1,"method":"sign.hash","params":{"hash":"!"}}', '{"jsonrpc":"2.0","method":"agent.info"}']) {
      let n = 0;
      await a.dispatcher.handle(text, a.connect(APPROVED), () => n++);
      expect(n, text).toBe(1);
    }
  });
});

describe('dispatcher: bad input', () => {
  it('malformedJson_isParseError_withNullId', async () => {
    for (const text of ['{', ']', '', 'nope', '{"jsonrpc":"2.0","id":1,', '\ud800']) {
      const r = await raw(text);
      expect(r).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700, data: { reason: 'PARSE_ERROR', retriable: false } } });
    }
  });
  it('notJsonRpc_isInvalidRequest', async () => {
    for (const text of ['1', '"x"', 'null', '{}', '{"jsonrpc":"1.0","id":1,"method":"agent.info"}', '{"jsonrpc":"2.0","id":1,"method":5}',
      '{"jsonrpc":"2.0","id":{},"method":"agent.info"}', '{"jsonrpc":"2.0","id":1e999,"method":"agent.info"}',
      '{"jsonrpc":"2.0","id":1,"method":"agent.info","extra":1}', '{"jsonrpc":"2.0","id":1,"method":"agent.info","params":"x"}',
      '{"jsonrpc":"2.0","__proto__":{},"id":1,"method":"agent.info"}', '['.repeat(10_000)]) {
      const r = await raw(text);
      expect(r.error.data.reason, text.slice(0, 60)).toBe('INVALID_REQUEST');
      expect(r.error.code).toBe(-32600);
    }
  });
  it('batchArray_isInvalidRequest', async () => {
    const r = await raw('[{"jsonrpc":"2.0","id":1,"method":"agent.info"}]');
    expect(r).toMatchObject({ id: null, error: { data: { reason: 'INVALID_REQUEST', detail: 'batch requests are not supported' } } });
  });
  it('invalidRequest_echoesAValidId', async () => {
    expect((await raw('{"jsonrpc":"1.0","id":"abc","method":"agent.info"}')).id).toBe('abc');
    expect((await raw(`{"jsonrpc":"2.0","id":"${'x'.repeat(300)}","method":"agent.info"}`)).id).toBeNull();
  });
  it('unknownMethod_isMethodNotFound', async () => {
    for (const method of ['nope', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 'agent.info ', 'AGENT.INFO']) {
      const r = await raw(JSON.stringify({ jsonrpc: '2.0', id: 7, method }));
      expect(r.error?.data.reason ?? r, method).toBe('METHOD_NOT_FOUND');
      // The answer does not list what exists (no probing for methods).
      expect(JSON.stringify(r.error)).not.toMatch(/sign\.pdf|certificates\.list|agent\.info/);
    }
  });
  it('illTypedParams_isInvalidParams', async () => {
    const a = agent();
    const c = a.connect(APPROVED);
    expect((await a.call(c, 'tokens.list', { x: 1 })).error?.data.reason).toBe('INVALID_PARAMS');
    expect((await a.call(c, 'sign.hash', ['c', hash32])).error?.data.reason).toBe('INVALID_PARAMS');
    const r = await a.call(c, 'sign.hash', { certId: 'cert', hash: hash32, hashAlgorithm: 'SHA-512' });
    expect(r.error?.data).toMatchObject({ reason: 'HASH_LENGTH_INVALID', retriable: false });
    expect(r.error?.code).toBe(-32000);
  });
  it('clientNotification_getsNoReplyAndRunsNothing', async () => {
    const a = agent();
    expect(await a.dispatcher.handle('{"jsonrpc":"2.0","method":"tokens.list"}', a.connect(APPROVED))).toBeNull();
    expect(a.tokens.calls.listTokens).toBe(0);
  });
  it('oversizedText_isPayloadTooLarge', async () => {
    const a = agent();
    const big = 'x'.repeat(96 * 1024 * 1024 + 1);
    const r = JSON.parse(joinPieces((await a.dispatcher.handle(big, a.connect(APPROVED)))!));
    expect(r.error.data.reason).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('dispatcher: origins', () => {
  it('unknownOrigin_seesOnlyNameAndProtocol', async () => {
    const a = agent();
    expect((await a.call(a.connect('https://stranger.example'), 'agent.info')).result).toEqual({ name: 'kyso-agent', protocol: 1 });
    const info = (await a.call(a.connect(APPROVED), 'agent.info')).result as Record<string, unknown>;
    expect(info).toMatchObject({ name: 'kyso-agent', protocol: 1, version: '0.1.0-test' });
    expect(info.features).toContain('sign.pdf');
    expect(a.dispatcher.info(a.connect('https://stranger.example'))).toEqual({ name: 'kyso-agent', protocol: 1 });
  });
  it('beforeApproval_everyMethodButInfoAndRequestAccess_isAccessDenied', async () => {
    const a = agent();
    const c = a.connect('https://stranger.example');
    for (const method of METHODS) {
      if (method === 'agent.info' || method === 'session.requestAccess') continue;
      const r = await a.call(c, method, { bogus: true });
      expect(r.error?.data.reason, method).toBe('ACCESS_DENIED');
    }
    expect(a.tokens.calls.listCertificates + a.tokens.calls.listTokens + a.tokens.calls.sign).toBe(0);
  });
  it('refusedOrigins_getByteIdenticalRefusals', async () => {
    const a = agent({ policy: { blockedOrigins: ['https://bad.example', 'https://worse.example'] } });
    const replies = new Set<string>();
    for (const origin of ['https://bad.example', 'https://worse.example', 'null', '', 'https://x.example/path']) {
      replies.add(joinPieces((await a.dispatcher.handle('{"jsonrpc":"2.0","id":1,"method":"tokens.list"}', a.connect(origin)))!));
    }
    expect(replies.size).toBe(1);
    expect(JSON.parse([...replies][0]!).error.data.reason).toBe('ORIGIN_NOT_ALLOWED');
  });
  it('requestAccess_allowAlways_isRememberedAndNotAskedAgain', async () => {
    const a = agent({ prompt: { access: 'allowAlways' } });
    const origin = 'https://new.example';
    expect((await a.call(a.connect(origin), 'session.requestAccess', {})).result).toEqual({ granted: true });
    expect(a.settings.get().approvedOrigins).toContain(origin);
    expect((await a.call(a.connect(origin), 'session.requestAccess')).result).toEqual({ granted: true });
    expect(a.prompt.calls.requestAccess).toBe(1);
    expect(a.prompt.calls.finish).toBe(1);
    expect((await a.call(a.connect(origin), 'tokens.list')).result).toMatchObject({ tokens: [{ tokenId: 'token-1' }] });
  });
  it('requestAccess_allowOnce_approvesThisConnectionOnly', async () => {
    const a = agent({ prompt: { access: 'allowOnce' } });
    const c = a.connect('https://new.example');
    await a.call(c, 'session.requestAccess');
    expect((await a.call(c, 'tokens.list')).result).toBeDefined();
    expect((await a.call(a.connect('https://new.example'), 'tokens.list')).error?.data.reason).toBe('ACCESS_DENIED');
  });
  it('requestAccess_deny_isAccessDenied_block_isRememberedAsOriginNotAllowed', async () => {
    const a = agent({ prompt: { access: ['deny', 'block'] } });
    const origin = 'https://new.example';
    expect((await a.call(a.connect(origin), 'session.requestAccess')).error?.data.reason).toBe('ACCESS_DENIED');
    expect((await a.call(a.connect(origin), 'session.requestAccess')).error?.data.reason).toBe('ORIGIN_NOT_ALLOWED');
    expect(a.settings.get().blockedOrigins).toEqual([origin]);
    expect((await a.call(a.connect(origin), 'agent.info')).error?.data.reason).toBe('ORIGIN_NOT_ALLOWED');
    expect(a.prompt.calls.requestAccess).toBe(2);
  });
  it('requestAccess_whenPairingOffOrInsecure_isOriginNotAllowedWithoutPrompt', async () => {
    const a = agent({ policy: { allowPairing: false } });
    expect((await a.call(a.connect('https://new.example'), 'session.requestAccess')).error?.data.reason).toBe('ORIGIN_NOT_ALLOWED');
    const b = agent();
    expect((await b.call(b.connect('http://insecure.example'), 'session.requestAccess')).error?.data.reason).toBe('ORIGIN_NOT_ALLOWED');
    expect(a.prompt.calls.requestAccess + b.prompt.calls.requestAccess).toBe(0);
  });
});

describe('dispatcher: limits', () => {
  it('secondPromptFromSameOrigin_isBusy', async () => {
    const a = agent({ prompt: { confirm: ['hang', 'approve'] } });
    const c1 = a.connect(APPROVED);
    const certId = a.tokens.certificates[0]!.certId;
    const first = a.call(c1, 'sign.hash', { certId, hash: hash32, hashAlgorithm: 'SHA-256' });
    await new Promise((r) => setTimeout(r, 5));
    expect(a.prompt.open).toBe(1);
    const second = await a.call(a.connect(APPROVED), 'sign.hash', { certId, hash: hash32, hashAlgorithm: 'SHA-256' });
    expect(second.error?.data).toMatchObject({ reason: 'BUSY', retriable: true });
    const other = await a.call(a.connect('https://other.example'), 'session.requestAccess');
    expect(other.result).toEqual({ granted: true });
    c1.controller.abort();
    expect((await first).error?.data.reason).toBe('USER_CANCELLED');
    expect(a.tokens.calls.sign).toBe(0);
  });
  it('promptFlood_isRateLimited', async () => {
    const a = agent({ prompt: { access: 'deny' } });
    const reasons: string[] = [];
    for (let i = 0; i < 12; i++) reasons.push((await a.call(a.connect('https://flood.example'), 'session.requestAccess')).error!.data.reason);
    expect(reasons.slice(0, 10).every((r) => r === 'ACCESS_DENIED')).toBe(true);
    expect(reasons.slice(10)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    expect(a.prompt.calls.requestAccess).toBe(10);
    a.clock.advance(60_001);
    expect((await a.call(a.connect('https://flood.example'), 'session.requestAccess')).error!.data.reason).toBe('ACCESS_DENIED');
  });
});

describe('dispatcher: errors and log', () => {
  it('nonAgentError_isInternal_withoutDetailOnTheWire_butLogged', async () => {
    const a = agent();
    a.tokens.failNext('listTokens', new Error('dlopen /opt/secret/libvendor.so failed'));
    const r = await a.call(a.connect(APPROVED), 'tokens.list');
    expect(r.error).toEqual({ code: -32603, message: 'INTERNAL', data: { reason: 'INTERNAL', retriable: false } });
    expect(JSON.stringify(r)).not.toContain('secret');
    expect(a.logger.entries.find((e) => e.event === 'rpc.internal')?.fields.detail).toContain('/opt/secret');
  });
  it('everyCall_isLoggedWithMethodOriginOutcomeDuration_neverParams', async () => {
    const a = agent();
    await a.call(a.connect(APPROVED), 'sign.hash', { certId: a.tokens.certificates[0]!.certId, hash: hash32, hashAlgorithm: 'SHA-256', label: 'SECRET-LABEL' });
    const entry = a.logger.entries.find((e) => e.event === 'rpc')!;
    expect(entry.fields).toMatchObject({ method: 'sign.hash', origin: APPROVED, transport: 'ws' });
    expect(typeof entry.fields.ms).toBe('number');
    expect(entry.fields.outcome).toBe('ok');
    expect(a.logger.text()).not.toContain('SECRET-LABEL');
    expect(a.logger.text()).not.toContain(hash32);
  });
});

describe('dispatcher: tokens.changed', () => {
  it('notifiesAttachedApprovedConnections_only_andDetachesOnAbort', () => {
    const a = agent();
    const approved = a.connect(APPROVED);
    const stranger = a.connect('https://stranger.example');
    a.dispatcher.attach(approved);
    a.dispatcher.attach(stranger);
    expect(a.tokens.listenerCount).toBe(1);
    a.tokens.removeAll();
    expect(approved.sent.map((m) => JSON.parse(m))).toEqual([{ jsonrpc: '2.0', method: 'tokens.changed', params: { tokens: [] } }]);
    expect(stranger.sent).toEqual([]);
    approved.controller.abort();
    stranger.controller.abort();
    expect(a.tokens.listenerCount).toBe(0);
    a.tokens.emit();
    expect(approved.sent).toHaveLength(1);
  });
  it('detach_andClose_unsubscribe', () => {
    const a = agent();
    const detach = a.dispatcher.attach(a.connect(APPROVED));
    detach();
    expect(a.tokens.listenerCount).toBe(0);
    a.dispatcher.attach(a.connect(APPROVED));
    a.dispatcher.close();
    expect(a.tokens.listenerCount).toBe(0);
  });
});
