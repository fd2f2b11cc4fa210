// The extension channel closed by the agent: pending calls get the relay's stable reason (PAYLOAD_TOO_LARGE, BUSY as
// on a WebSocket close 1009 / 1013; QUEUE_FULL named in CONNECTION_LOST), not a bare "connection lost".
import { afterEach, describe, expect, it } from 'vitest';
import { ExtensionTransport } from '../src/extension.js';

type Handler = (ev: { source: unknown; data: unknown }) => void;

/** A window whose content script opens every channel and can later close it with a reason. */
function fakeWindow() {
  const handlers = new Set<Handler>();
  const w = {
    location: { origin: 'https://portal.vn' },
    addEventListener: (_t: string, h: Handler) => handlers.add(h),
    removeEventListener: (_t: string, h: Handler) => handlers.delete(h),
    postMessage(m: { kysoAgent: string; op: string; ch: string }) {
      if (m.kysoAgent !== 'page') return;
      if (m.op === 'open') queueMicrotask(() => w.emit({ kysoAgent: 'extension', op: 'opened', ch: m.ch, agentVersion: '1' }));
      if (m.op === 'send') w.lastCh = m.ch;
    },
    lastCh: '',
    emit(data: object) {
      for (const h of [...handlers]) h({ source: w, data });
    },
  };
  (globalThis as Record<string, unknown>).window = w;
  return w;
}

afterEach(() => {
  delete (globalThis as Record<string, unknown>).window;
});

describe('extension channel closed by the relay', () => {
  for (const [reason, name] of [['PAYLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE'], ['BUSY', 'BUSY'], ['QUEUE_FULL', 'CONNECTION_LOST']] as const) {
    it(`${reason} → ${name}`, async () => {
      const w = fakeWindow();
      const t = await ExtensionTransport.open(1000, () => undefined, () => undefined);
      const call = t.call('sign.pdf', {}, { timeoutMs: 5000 });
      w.emit({ kysoAgent: 'extension', op: 'closed', ch: w.lastCh, reason, message: 'why' });
      const err = (await call.catch((e: unknown) => e)) as { reason: string; message: string };
      expect(err.reason).toBe(name);
      if (name === 'CONNECTION_LOST') expect(err.message).toContain('QUEUE_FULL: why');
      expect(t.alive).toBe(false);
    });
  }
});
