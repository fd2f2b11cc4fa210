// SDK against a fake agent: discovery, WebSocket and HTTP fallback, typed errors, timeouts, presence, reconnect.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  AgentUnavailableError, ConnectionLostError, DocumentInvalidError, KysoAgent, KysoError, OriginNotAllowedError,
  PinIncorrectError, TimeoutError, UserCancelledError, describeError, fromBase64,
} from '../src/index.js';
import type { ConnectOptions, Token, WebSocketConstructor } from '../src/index.js';
import { RpcFailure, closedPort, startFakeAgent } from './fake-agent.js';
import type { FakeAgent, Handler } from './fake-agent.js';

const WS = WebSocket as unknown as WebSocketConstructor;
const running: FakeAgent[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  await Promise.all(running.splice(0).map((a) => a.close()));
});

const token: Token = { tokenId: 't1', label: 'KYSO TOKEN A', manufacturer: 'SoftHSM', model: 'v2', serialNumber: '1', moduleName: 'SoftHSM', pinpad: false, pinStatus: 'ok' };
const defaultHandler: Handler = (method, params) => {
  switch (method) {
    case 'agent.info': return { name: 'kyso-agent', protocol: 1, version: '0.1.0-fake' };
    case 'tokens.list': return { tokens: [token] };
    case 'sign.pdf': {
      const p = params as { pdf: string };
      const signed = new Uint8Array([...fromBase64(p.pdf), 0x0a, 0x25, 0x25]);
      return { pdf: Buffer.from(signed).toString('base64') };
    }
    case 'sign.xml': return { xml: (params as { xml: string }).xml };
    case 'sign.office': return { document: (params as { document: string }).document };
    case 'document.verify': return { report: { format: 'pdf', fileName: (params as { fileName?: string }).fileName ?? null, verdict: 'invalid', reason: 'MODIFIED', signatures: [] } };
    default: throw new RpcFailure({ code: -32601, message: 'METHOD_NOT_FOUND', data: { reason: 'METHOD_NOT_FOUND', retriable: false } });
  }
};

async function agent(handler: Handler = defaultHandler, extra: { refuseWs?: boolean; refuseOrigin?: boolean; port?: number } = {}): Promise<FakeAgent> {
  const a = await startFakeAgent({ handler, ...extra });
  running.push(a);
  return a;
}
function opts(a: { port: number }, more: ConnectOptions = {}): ConnectOptions {
  return { ports: { tls: null, plain: a.port }, WebSocket: WS, ...more };
}

describe('connect', () => {
  it('connect_whenAgentListens_usesWebSocket', async () => {
    const a = await agent();
    const client = await KysoAgent.connect(opts(a));
    expect(client.connection).toMatchObject({ transport: 'ws', port: a.port, secure: false, agentVersion: '0.1.0-fake' });
    expect(await client.listTokens()).toEqual([token]);
    expect(a.calls.map((c) => c.via)).toEqual(['ws']);
    client.close();
  });

  it('connect_whenWsUpgradeRefused_fallsBackToHttpRpc', async () => {
    const a = await agent(defaultHandler, { refuseWs: true });
    const client = await KysoAgent.connect(opts(a));
    expect(client.connection?.transport).toBe('http');
    expect((await client.info()).name).toBe('kyso-agent');
    expect(a.calls).toEqual([{ method: 'agent.info', params: {}, via: 'http' }]);
  });

  it('connect_withTransportHttp_neverOpensWebSocket', async () => {
    const a = await agent();
    const client = await KysoAgent.connect(opts(a, { transport: 'http' }));
    await client.listTokens();
    expect(a.sockets.size).toBe(0);
    expect(a.calls[0]!.via).toBe('http');
  });

  it('connect_withTransportWs_whenRefused_throws', async () => {
    const a = await agent(defaultHandler, { refuseWs: true });
    await expect(KysoAgent.connect(opts(a, { transport: 'ws' }))).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it('connect_whenNothingListens_throwsAgentUnavailableWithin1500ms', async () => {
    const [tls, plain] = [await closedPort(), await closedPort()];
    const started = performance.now();
    const err = await KysoAgent.connect({ ports: { tls, plain }, WebSocket: WS }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(AgentUnavailableError);
    expect((err as AgentUnavailableError).hint).toBe('notInstalled');
    expect(elapsed).toBeLessThan(1500);
  });

  it('detect_whenPortHangs_answersWithinBudget', async () => {
    // A listener that accepts but never answers (like a stuck process) must not stall the presence check.
    const { createServer } = await import('node:net');
    const hung = createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const port = (hung.address() as { port: number }).port;
    const started = performance.now();
    // A short budget of our own (the default is 1.2 s): the bound below then leaves room for a loaded machine.
    const r = await KysoAgent.detect({ ports: { tls: null, plain: port }, probeTimeoutMs: 300 });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(r).toMatchObject({ available: false, hint: 'notInstalled' });
    hung.close();
  });

  it('connect_whenAgentAnswersSlowly_retriesWithLongerBudget', async () => {
    const a = await agent();
    // A busy machine: the agent answers the discovery probe only after the short presence budget.
    const slowFetch = (url: string, init?: RequestInit) => new Promise<Response>((resolve, reject) => {
      const t = setTimeout(() => fetch(url, init).then(resolve, reject), 300);
      init?.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
    const client = await KysoAgent.connect(opts(a, { fetch: slowFetch, probeTimeoutMs: 100 }));
    expect(client.connection?.transport).toBe('ws');
    client.close();
    expect(await KysoAgent.detect({ ports: { tls: null, plain: a.port }, fetch: slowFetch, probeTimeoutMs: 100 })).toMatchObject({ available: false });
  });

  it('connect_whenTlsFailsButPlainAnswers_andPlainDisallowed_hintsCertificateNotTrusted', async () => {
    const a = await agent();
    // Simulates the browser rejecting the agent's TLS certificate: every https fetch fails like a network error.
    const fetchFn = (url: string, init?: RequestInit) => url.startsWith('https:') ? Promise.reject(new TypeError('Failed to fetch')) : fetch(url, init);
    const err = await KysoAgent.connect({ ports: { tls: a.port, plain: a.port }, fetch: fetchFn, WebSocket: WS, allowPlain: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentUnavailableError);
    expect((err as AgentUnavailableError).hint).toBe('certificateNotTrusted');
    const client = await KysoAgent.connect({ ports: { tls: a.port, plain: a.port }, fetch: fetchFn, WebSocket: WS });
    expect(client.connection).toMatchObject({ secure: false, tlsFailed: true });
    client.close();
  });

  it('connect_whenLocalNetworkPermissionDenied_hintsLocalNetworkBlocked', async () => {
    vi.stubGlobal('navigator', { permissions: { query: ({ name }: { name: string }) => name === 'local-network-access' ? Promise.resolve({ state: 'denied' }) : Promise.reject(new TypeError('unknown')) } });
    const fetchFn = () => Promise.reject(new TypeError('Failed to fetch'));
    const err = await KysoAgent.connect({ fetch: fetchFn, WebSocket: WS }).catch((e: unknown) => e);
    expect((err as AgentUnavailableError).hint).toBe('localNetworkBlocked');
    expect(describeError(err, 'vi')).toMatch(/mạng cục bộ/);
  });

  it('connect_whenPermissionTurnsDeniedDuringProbe_hintsLocalNetworkBlocked', async () => {
    // Chrome answers 'prompt' before the first request and 'denied' once it refused it (no prompt could be shown).
    let probed = false;
    vi.stubGlobal('navigator', { permissions: { query: () => Promise.resolve({ state: probed ? 'denied' : 'prompt' }) } });
    const fetchFn = () => {
      probed = true;
      return Promise.reject(new TypeError('Failed to fetch'));
    };
    const err = await KysoAgent.connect({ fetch: fetchFn, WebSocket: WS }).catch((e: unknown) => e);
    expect((err as AgentUnavailableError).hint).toBe('localNetworkBlocked');
  });

  it('connect_whenOriginRefused_throwsOriginNotAllowed', async () => {
    const a = await agent(defaultHandler, { refuseOrigin: true });
    await expect(KysoAgent.connect(opts(a))).rejects.toBeInstanceOf(OriginNotAllowedError);
  });
});

describe('calls', () => {
  it('signPdf_acceptsBlobAndReturnsBytesWithHelpers', async () => {
    const a = await agent();
    const client = await KysoAgent.connect(opts(a));
    const input = new Blob([new Uint8Array([0x25, 0x50, 0x44, 0x46])]);
    const out = await client.signPdf({ certId: 'c1', pdf: input, appearance: { page: 1, rect: [10, 20, 200, 60], image: new Uint8Array([1, 2, 3]) } });
    expect(Array.from(out.bytes)).toEqual([0x25, 0x50, 0x44, 0x46, 0x0a, 0x25, 0x25]);
    expect(out.toBase64()).toBe(Buffer.from(out.bytes).toString('base64'));
    expect(out.toBlob().type).toBe('application/pdf');
    expect(a.calls[0]!.params).toMatchObject({ certId: 'c1', fileName: 'document.pdf', pdf: 'JVBERg==', appearance: { image: 'AQID', rect: [10, 20, 200, 60] } });
    client.close();
  });

  it('signXml_acceptsXmlText', async () => {
    const a = await agent();
    const client = await KysoAgent.connect(opts(a));
    const xml = '<HDon><DLHDon Id="x">Hóa đơn</DLHDon></HDon>';
    const out = await client.signXml({ certId: 'c1', xml, profile: 'einvoice' });
    expect(out.text()).toBe(xml);
    client.close();
  });

  it('signOffice_sendsDocumentAndFileName', async () => {
    const a = await agent();
    const client = await KysoAgent.connect(opts(a));
    const out = await client.signOffice({ certId: 'c1', document: new Uint8Array([0x50, 0x4b, 3, 4]), fileName: 'tờ trình.docx', comment: 'Đồng ý', hashAlgorithm: 'SHA-1' });
    expect(a.calls[0]!.method).toBe('sign.office');
    expect(a.calls[0]!.params).toEqual({ certId: 'c1', document: 'UEsDBA==', fileName: 'tờ trình.docx', comment: 'Đồng ý', hashAlgorithm: 'SHA-1' });
    expect([...out.bytes]).toEqual([0x50, 0x4b, 3, 4]);
    client.close();
  });

  it('verify_sendsTheDocument_andReturnsTheReport', async () => {
    const a = await agent();
    const client = await KysoAgent.connect(opts(a));
    const report = await client.verify({ document: new Uint8Array([0x25, 0x50, 0x44, 0x46]), fileName: 'hợp đồng.pdf', content: new Uint8Array([1]) });
    expect(a.calls[0]!.method).toBe('document.verify');
    expect(a.calls[0]!.params).toEqual({ document: 'JVBERg==', fileName: 'hợp đồng.pdf', content: 'AQ==' });
    expect(report).toMatchObject({ verdict: 'invalid', reason: 'MODIFIED', fileName: 'hợp đồng.pdf' });
    client.close();
  });

  it('errors_mapToTypedClassesByReason', async () => {
    const a = await agent((method) => {
      if (method === 'sign.hash') throw new RpcFailure({ code: -32000, message: 'wrong PIN', data: { reason: 'PIN_INCORRECT', retriable: true, pinStatus: 'finalTry' } });
      if (method === 'certificates.select') throw new RpcFailure({ code: -32000, message: 'cancelled', data: { reason: 'USER_CANCELLED', retriable: true } });
      if (method === 'sign.pdf') throw new RpcFailure({ code: -32000, message: 'bad', data: { reason: 'DOCUMENT_INVALID', retriable: false, detail: 'not a PDF' } });
      throw new RpcFailure({ code: -32000, message: 'future', data: { reason: 'SOMETHING_NEW', retriable: false } });
    });
    const client = await KysoAgent.connect(opts(a));
    const pin = await client.signHash({ certId: 'c', hash: new Uint8Array(32) }).catch((e: unknown) => e);
    expect(pin).toBeInstanceOf(PinIncorrectError);
    expect(pin).toMatchObject({ reason: 'PIN_INCORRECT', code: -32000, retriable: true, pinStatus: 'finalTry', name: 'PinIncorrectError' });
    expect(describeError(pin, 'en')).toMatch(/One try left/);
    await expect(client.selectCertificate()).rejects.toBeInstanceOf(UserCancelledError);
    const doc = await client.signPdf({ certId: 'c', pdf: 'JVBERg==' }).catch((e: unknown) => e);
    expect(doc).toBeInstanceOf(DocumentInvalidError);
    expect((doc as DocumentInvalidError).detail).toBe('not a PDF');
    const unknown = await client.info().catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(KysoError);
    expect((unknown as KysoError).reason).toBe('SOMETHING_NEW');
    client.close();
  });

  it('call_whenAgentDoesNotAnswer_rejectsWithTimeout', async () => {
    const a = await agent(() => new Promise(() => undefined));
    const client = await KysoAgent.connect(opts(a, { timeoutMs: 150 }));
    const started = performance.now();
    await expect(client.listTokens()).rejects.toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(1000);
    client.close();
  });

  it('call_withAbortSignal_rejectsAborted', async () => {
    const a = await agent(() => new Promise(() => undefined));
    const client = await KysoAgent.connect(opts(a, { transport: 'http' }));
    const ac = new AbortController();
    const p = client.signPdf({ certId: 'c', pdf: 'JVBERg==' }, { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ reason: 'ABORTED' });
  });

  it('tokensChanged_notificationReachesListener', async () => {
    const a = await agent();
    const client = await KysoAgent.connect(opts(a));
    const got = new Promise<Token[]>((resolve) => client.on('tokenschanged', resolve));
    await client.info(); // the socket is registered on the server by now
    a.notify('tokens.changed', { tokens: [token] });
    expect(await got).toEqual([token]);
    client.close();
  });

  it('call_afterAgentRestart_reconnects', async () => {
    const a = await agent();
    const client = await KysoAgent.connect(opts(a));
    const disconnected = new Promise<void>((resolve) => client.on('disconnected', () => resolve()));
    await client.info();
    await a.close();
    running.splice(running.indexOf(a), 1);
    await disconnected;
    await expect(client.info()).rejects.toBeInstanceOf(AgentUnavailableError);
    const b = await agent(defaultHandler, { port: a.port });
    expect(await client.listTokens()).toEqual([token]);
    expect(client.connection?.transport).toBe('ws');
    expect(b.calls.map((c) => c.method)).toEqual(['tokens.list']);
    client.close();
  });

  it('pendingCall_whenConnectionDrops_rejectsConnectionLost', async () => {
    const a = await agent(() => new Promise(() => undefined));
    const client = await KysoAgent.connect(opts(a));
    const p = client.signPdf({ certId: 'c', pdf: 'JVBERg==' });
    await vi.waitFor(() => expect(a.calls.length).toBe(1));
    for (const s of a.sockets) s.terminate();
    await expect(p).rejects.toBeInstanceOf(ConnectionLostError);
  });
});
