// A hand-made WebSocket client for hostile tests: it can declare a huge frame and send only part of it, which a
// real client library never does, to see whether the agent decides before buffering.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawWs {
  sock: Socket;
  /** Resolves with the close code the server sent (0 when the socket ended without a close frame). */
  closed: Promise<number>;
  /** Writes a masked text-frame header declaring `length` bytes, then `sent` bytes of its payload. */
  sendPartial(length: number, sent: number): void;
}

/** Opens ws://127.0.0.1:port/v1/ws with the given Origin; rejects when the upgrade is refused. */
export function rawWs(port: number, origin: string): Promise<RawWs> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let upgraded = false;
    let closeResolve: (code: number) => void = () => undefined;
    const closed = new Promise<number>((r) => (closeResolve = r));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      closeResolve(0);
      if (!upgraded) reject(new Error('closed before upgrade'));
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(head.split('\r\n')[0]));
        upgraded = true;
        resolve({ sock, closed, sendPartial });
      }
      // A close frame from the server: 0x88, length, 2-byte code.
      const at = buf.indexOf(0x88);
      if (upgraded && at !== -1 && buf.length >= at + 4) closeResolve(buf.readUInt16BE(at + 2));
    });
    function sendPartial(length: number, sent: number): void {
      const header = Buffer.alloc(14);
      header[0] = 0x81;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(length), 2);
      randomBytes(4).copy(header, 10);
      sock.write(Buffer.concat([header, Buffer.alloc(sent, 0x20)]));
    }
    const key = randomBytes(16).toString('base64');
    sock.write(`GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`);
  });
}
