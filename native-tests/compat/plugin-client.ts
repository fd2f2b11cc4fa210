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
 * The stamp's `Ngày ký:` is the moment the key signed, in the agent machine's local time with its zone
 * (`HH:mm:ss dd/MM/yyyy (GMT+7)`, docs/protocol.md "Times shown to people"), within [before, after] — never the time the
 * page sent.
 */
export function expectSigningTimeShown(text: string, before: Date, after: Date): void {
  const m = /Ngày ký: (\d{2}):(\d{2}):(\d{2}) (\d{2})\/(\d{2})\/(\d{4}) \(GMT([+-])(\d{1,2})(?::(\d{2}))?\)/.exec(text);
  expect(m, text).not.toBeNull();
  const [h, mi, s, d, mo, y] = m!.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetMinutes = (m![7] === '-' ? -1 : 1) * (Number(m![8]) * 60 + Number(m![9] ?? 0));
  const shown = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000;
  expect(shown).toBeGreaterThanOrEqual(Math.floor(before.getTime() / 1000) * 1000);
  expect(shown).toBeLessThanOrEqual(after.getTime());
}
