// A JSON-RPC client over a real WebSocket that records every frame in both directions (for the PIN grep, T16).
import WebSocket from 'ws';

export interface RpcReply {
  jsonrpc: '2.0';
  id: unknown;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data: { reason: string; retriable: boolean; [k: string]: unknown } };
}

export class RpcClient {
  readonly frames: string[] = [];
  readonly notifications: Array<Record<string, unknown>> = [];
  private nextId = 1;
  private readonly waiting = new Map<unknown, (r: RpcReply) => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.frames.push(text);
      const msg = JSON.parse(text) as RpcReply & { method?: string };
      if (msg.method) {
        this.notifications.push(msg as unknown as Record<string, unknown>);
        return;
      }
      const done = this.waiting.get(msg.id);
      if (done) {
        this.waiting.delete(msg.id);
        done(msg);
      }
    });
  }

  static open(url: string, origin: string, ca?: string): Promise<RpcClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { origin, ...(ca ? { ca } : {}), perMessageDeflate: false });
      ws.once('open', () => resolve(new RpcClient(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_q, res) => reject(new Error(`refused: ${res.statusCode}`)));
    });
  }

  call(method: string, params?: Record<string, unknown>): Promise<RpcReply> {
    const id = this.nextId++;
    const text = JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    this.frames.push(text);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, resolve);
      this.ws.once('close', () => reject(new Error('socket closed')));
      this.ws.send(text);
    });
  }

  /** Calls and returns `result`, failing with the reason when the agent answered an error. */
  async ok<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>): Promise<T> {
    const r = await this.call(method, params);
    if (r.error) throw new Error(`${method}: ${r.error.data.reason} ${r.error.message}`);
    return r.result as T;
  }

  close(): void {
    this.ws.close();
  }
}
