// A page-script-like client of the VNPT-CA Plugin wire: one JSON frame out, one `<result>*<callback>` frame back;
// and the check of the signing time a stamp shows. Shared by the compat native tests.
import { expect } from 'vitest';
import WebSocket from 'ws';

export class PluginPage {
  private queue: Array<(text: string) => void> = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.queue.shift()?.(d.toString()));
  }
  static open(port: number, origin: string, caPem: string): Promise<PluginPage> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`wss://localhost:${port}/plugin`, { origin, ca: caPem, perMessageDeflate: false });
      ws.once('open', () => resolve(new PluginPage(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_q, res) => reject(new Error(`refused: ${res.statusCode}`)));
    });
  }
  call(functionID: number, args: string[] = [], funcCallback = 'callbackDefault'): Promise<[string, string]> {
    return new Promise((resolve) => {
      this.queue.push((text) => {
        const parts = text.split('*');
        resolve([parts[0]!, parts[1]!]);
      });
      // The page claims a domain; the agent must ignore it and use the handshake Origin.
      this.ws.send(JSON.stringify({ functionID, funcCallback, args, domain: 'trusted-looking.gov.vn' }));
    });
  }
  close(): void {
    this.ws.close();
  }
}

/**
 * The stamp's `Ngày ký:` is the moment the key signed, in Vietnam time with its zone (`dd/MM/yyyy HH:mm:ss GMT+7`),
 * within [before, after] — never the time the page sent.
 */
export function expectSigningTimeShown(text: string, before: Date, after: Date): void {
  const m = /Ngày ký: (\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT\+7/.exec(text);
  expect(m, text).not.toBeNull();
  const [d, mo, y, h, mi, s] = m!.slice(1).map(Number) as [number, number, number, number, number, number];
  const shown = Date.UTC(y, mo - 1, d, h - 7, mi, s);
  expect(shown).toBeGreaterThanOrEqual(Math.floor(before.getTime() / 1000) * 1000);
  expect(shown).toBeLessThanOrEqual(after.getTime());
}
