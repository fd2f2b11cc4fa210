// The service worker's queue while the native host has not answered yet (it may be starting the agent): bounded in
// count and size across all channels; past a bound the channel is closed QUEUE_FULL and nothing more is kept.
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_QUEUED_BYTES, MAX_QUEUED_MESSAGES } from '../../agent/core/protocol/relay.js';

type Listener = (m: unknown) => void;

class FakePort {
  readonly sent: unknown[] = [];
  readonly onMessage = { ls: [] as Listener[], addListener(cb: Listener) { this.ls.push(cb); }, removeListener() {} };
  readonly onDisconnect = { ls: [] as Array<() => void>, addListener(cb: () => void) { this.ls.push(cb); }, removeListener() {} };
  disconnected = false;
  constructor(readonly name: string, readonly sender?: object) {}
  postMessage(m: unknown): void {
    this.sent.push(m);
  }
  disconnect(): void {
    this.disconnected = true;
  }
  /** The other side posts `m` to this port. */
  deliver(m: unknown): void {
    for (const l of this.onMessage.ls) l(m);
  }
}

const onConnect: Array<(p: FakePort) => void> = [];
let native: FakePort | null = null;

beforeAll(async () => {
  (globalThis as Record<string, unknown>).chrome = {
    runtime: {
      id: 'ours',
      lastError: undefined,
      getManifest: () => ({ version: '1.0.0' }),
      // The host never answers hello here: everything the pages send waits in the service worker.
      connectNative: () => (native = new FakePort('native')),
      onConnect: { addListener: (cb: (p: FakePort) => void) => onConnect.push(cb) },
    },
  };
  await import('./background.js');
});

function page(origin: string): FakePort {
  const p = new FakePort('rpc', { id: 'ours', origin, url: `${origin}/` });
  for (const cb of onConnect) cb(p);
  return p;
}

describe('L1: the service worker queue before the host answers', () => {
  it('past the message count the channel is closed QUEUE_FULL; the queue it held is freed', () => {
    const a = page('https://a.vn');
    for (let i = 0; i < MAX_QUEUED_MESSAGES; i++) a.deliver({ t: 'data', text: `m${i}` });
    expect(a.sent).toEqual([]);
    a.deliver({ t: 'data', text: 'one too many' });
    expect(a.sent).toEqual([{ t: 'closed', reason: 'QUEUE_FULL', message: 'Quá nhiều yêu cầu chờ kyso-agent. / Too many requests waiting for kyso-agent.' }]);
    expect(a.disconnected).toBe(true);
    // Freed: another page can queue again.
    const b = page('https://b.vn');
    b.deliver({ t: 'data', text: 'fits' });
    expect(b.sent).toEqual([]);
    // Nothing of it reached the host either (only the extension's hello).
    expect(native!.sent).toEqual([{ t: 'hello', relay: 1, version: '1.0.0', role: 'extension' }]);
  });

  it('past the byte bound (across channels) likewise', () => {
    const c = page('https://c.vn');
    c.deliver({ t: 'data', text: 'x'.repeat(MAX_QUEUED_BYTES - 100) });
    expect(c.sent).toEqual([]);
    const d = page('https://d.vn');
    d.deliver({ t: 'data', text: 'y'.repeat(200) });
    expect(d.sent).toMatchObject([{ t: 'closed', reason: 'QUEUE_FULL' }]);
    // A channel that goes away gives its share back.
    for (const l of c.onDisconnect.ls) l();
    const e = page('https://e.vn');
    e.deliver({ t: 'data', text: 'y'.repeat(200) });
    expect(e.sent).toEqual([]);
  });
});
