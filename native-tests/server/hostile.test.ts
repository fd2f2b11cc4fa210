// docs/security.md T22/T23/T25 over real sockets: caps decided before buffering, a shared in-flight budget, timeouts for
// unfinished messages and bodies, and another OS user getting nothing.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionContext } from '../../agent/core/index.js';
import { ALLOWED, echoDispatcher, httpCall, startHarness, textOf, type Harness } from './harness.js';
import { rawWs } from './raw-ws.js';
import WebSocket from 'ws';

const MiB = 1024 * 1024;
const OTHER_APPROVED = 'https://second.example.vn';
const UNAPPROVED = 'https://stranger.example';
let h: Harness;
const seen: string[] = [];
/** Ends the "hold" request in progress: the dispatcher says it parsed the message, then answers. */
let endHold: (() => void) | undefined;
beforeAll(async () => {
  h = await startHarness({
    policy: { allowedOrigins: [ALLOWED, OTHER_APPROVED] },
    limits: { maxPayloadBytes: 4 * MiB, maxInflightBytes: 3 * MiB, messageTimeoutMs: 800 },
    dispatcher: {
      handle: (raw: string | Uint8Array, ctx: ConnectionContext, parsed?: () => void) => {
        seen.push(ctx.origin);
        // A message whose parsing takes long (a large document decoded in slices).
        if (textOf(raw).includes('"method":"hold"')) {
          return new Promise<string>((resolve) => {
            endHold = () => {
              parsed?.();
              resolve('{"jsonrpc":"2.0","id":1,"result":{}}');
            };
          });
        }
        return echoDispatcher.handle(raw, ctx);
      },
    },
  });
});
afterAll(async () => {
  await h.server.close();
});

describe('T22: an origin that is not approved may only send small messages', () => {
  it('a declared 64 MiB frame is refused at its header, before its payload is sent', async () => {
    const ws = await rawWs(h.plainPort, UNAPPROVED);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const rss0 = process.memoryUsage().rss;
    ws.sendPartial(64 * MiB, 1024);
    const code = await Promise.race([ws.closed, new Promise<number>((r) => setTimeout(() => r(-1), 5_000))]);
    delay.disable();
    ws.sock.destroy();
    console.log(`unapproved 64 MiB frame header: close ${code}, RSS +${((process.memoryUsage().rss - rss0) / MiB).toFixed(1)} MiB, loop delay max ${(delay.max / 1e6).toFixed(1)} ms`);
    expect(code).toBe(1009);
  });

  it('the same origin may still send a small request; an approved origin may send a large one', async () => {
    const small = await httpCall(h, 'http', 'POST', '/v1/rpc', { Host: `127.0.0.1:${h.plainPort}`, Origin: UNAPPROVED }, '{"jsonrpc":"2.0","id":1,"method":"agent.info"}');
    expect(small.status).toBe(200);
    const pad = 'a'.repeat(2 * MiB);
    const big = await httpCall(h, 'http', 'POST', '/v1/rpc', { Host: `127.0.0.1:${h.plainPort}`, Origin: ALLOWED }, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'x', params: { pad } }));
    expect(big.status).toBe(200);
  });

  it('an HTTP body above 8 KiB from an unapproved origin → 413 before it is read', async () => {
    const r = await httpCall(h, 'http', 'POST', '/v1/rpc', { Host: `127.0.0.1:${h.plainPort}`, Origin: UNAPPROVED }, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'agent.info', params: { pad: 'x'.repeat(32 * 1024) } }));
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.data.reason).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('T22: refusal pacing counts each refused message once', () => {
  it('one refused unapproved frame does not yet hold the next unapproved upgrade; a second does', async () => {
    const own = await startHarness({ limits: { maxPayloadBytes: 4 * MiB } });
    try {
      const held = (): number => own.logger.lines.filter((l) => l.event === 'ws.held').length;
      const refuseOne = async (n: number): Promise<number> => {
        const ws = await rawWs(own.plainPort, `https://w${n}.stranger.example`);
        ws.sendPartial(64 * MiB, 16);
        const code = await Promise.race([ws.closed, new Promise<number>((r) => setTimeout(() => r(-1), 5_000))]);
        ws.sock.destroy();
        return code;
      };
      expect(await refuseOne(1)).toBe(1009);
      // ws reads the cap twice per refused header: counted twice, the pacing started after one refusal.
      expect(await refuseOne(2)).toBe(1009);
      expect(held()).toBe(0);
      expect(await refuseOne(3)).toBe(1009);
      expect(held()).toBe(1);
    } finally {
      await own.server.close();
    }
  });
});

describe('T23: one in-flight budget, and no unfinished message lives forever', () => {
  it('messages held open by several approved origins cannot pass the shared budget: the next gets 1013 BUSY', async () => {
    const a = await rawWs(h.plainPort, ALLOWED);
    const b = await rawWs(h.plainPort, OTHER_APPROVED);
    a.sendPartial(2 * MiB, 10);
    await new Promise((r) => setTimeout(r, 100));
    b.sendPartial(2 * MiB, 10);
    const code = await Promise.race([b.closed, new Promise<number>((r) => setTimeout(() => r(-1), 3_000))]);
    expect(code).toBe(1013);
    // The budget is given back when the holder goes away.
    a.sock.destroy();
    await a.closed;
    await new Promise((r) => setTimeout(r, 100));
    const c = await rawWs(h.plainPort, OTHER_APPROVED);
    c.sendPartial(2 * MiB, 10);
    const early = await Promise.race([c.closed, new Promise<number>((r) => setTimeout(() => r(-1), 300))]);
    expect(early).toBe(-1);
    // …and the unfinished message is closed by the message timeout (1008).
    expect(await Promise.race([c.closed, new Promise<number>((r) => setTimeout(() => r(-2), 5_000))])).toBe(1008);
    b.sock.destroy();
    c.sock.destroy();
  });

  it('a complete message stays counted until the dispatcher has parsed it: meanwhile the next large one gets 1013 BUSY', async () => {
    const a = new WebSocket(`ws://127.0.0.1:${h.plainPort}/v1/ws`, { origin: ALLOWED, perMessageDeflate: false });
    await new Promise((r) => a.once('open', r));
    a.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'hold', params: { pad: 'a'.repeat(2 * MiB) } }));
    while (!endHold) await new Promise((r) => setTimeout(r, 10));
    const b = await rawWs(h.plainPort, OTHER_APPROVED);
    b.sendPartial(2 * MiB, 10);
    expect(await Promise.race([b.closed, new Promise<number>((r) => setTimeout(() => r(-1), 3_000))])).toBe(1013);
    b.sock.destroy();
    // Parsed: its bytes are given back, and the same message from the other site is taken.
    const answered = new Promise((r) => a.once('message', r));
    endHold();
    endHold = undefined;
    await answered;
    const c = await rawWs(h.plainPort, OTHER_APPROVED);
    c.sendPartial(2 * MiB, 10);
    expect(await Promise.race([c.closed, new Promise<number>((r) => setTimeout(() => r(-1), 300))])).toBe(-1);
    c.sock.destroy();
    a.close();
  });

  it('an HTTP body that never finishes is dropped after the timeout', async () => {
    const sock = connect(h.plainPort, '127.0.0.1');
    sock.on('error', () => undefined);
    const closed = new Promise<number>((r) => sock.once('close', () => r(Date.now())));
    const start = Date.now();
    sock.write(`POST /v1/rpc HTTP/1.1\r\nHost: 127.0.0.1:${h.plainPort}\r\nOrigin: ${UNAPPROVED}\r\nContent-Length: 1000\r\n\r\n{"jsonrpc"`);
    const end = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]);
    expect(end).not.toBe(-1);
    console.log(`unfinished body dropped after ${end - start} ms`);
  });
});

describe('timeouts bound the request, not the answer', () => {
  it('a request whose answer takes longer than the message timeout (a dialog) is not cut', async () => {
    const sock = connect(h.plainPort, '127.0.0.1');
    sock.on('error', () => undefined);
    let closedEarly = false;
    sock.once('close', () => (closedEarly = true));
    const body = '{"jsonrpc":"2.0","id":1,"method":"slow"}';
    sock.write(`POST /v1/rpc HTTP/1.1\r\nHost: 127.0.0.1:${h.plainPort}\r\nOrigin: ${ALLOWED}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await new Promise((r) => setTimeout(r, 2_500)); // > messageTimeoutMs (800 ms) and Node's request-timeout check
    expect(closedEarly).toBe(false);
    sock.destroy();
  });
});

describe('T25: another local user gets nothing', () => {
  const curl = (asNobody: boolean): Promise<{ code: number; out: string }> =>
    new Promise((resolve) => {
      const args = ['-sS', '--max-time', '5', '-H', `Origin: ${ALLOWED}`, '-H', 'Content-Type: application/json', '--data', '{"jsonrpc":"2.0","id":7,"method":"certificates.list"}', `http://127.0.0.1:${h.plainPort}/v1/rpc`];
      const [file, argv] = asNobody ? ['setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', 'curl', ...args]] : ['curl', args];
      execFile(file, argv as string[], (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout }));
    });

  it.runIf(process.platform === 'linux' && process.getuid?.() === 0)('curl as uid 65534 with an approved Origin gets no answer and reaches nothing; the agent’s own user is served', async () => {
    seen.length = 0;
    const nobody = await curl(true);
    expect(nobody.out).toBe('');
    expect(nobody.code).toBe(52); // curl: empty reply from server
    expect(seen).toEqual([]);
    expect(h.logger.lines.some((l) => l.event === 'server.peer-refused')).toBe(true);
    const own = await curl(false);
    expect(own.code).toBe(0);
    expect(JSON.parse(own.out).result.origin).toBe(ALLOWED);
    expect(seen).toEqual([ALLOWED]);
  });
});
