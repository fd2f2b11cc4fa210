// A hostile page for the hostile-load benchmark, in its own process: opens wss connections from unapproved
// origins (a new subdomain each time) and sends 64 MiB frames of `[{},{},…]` until told to stop (SIGTERM).
// Usage: node bench/lib/hostile-sender.mjs PORT CA_FILE WORKER_ID
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

const [port, caFile, worker] = process.argv.slice(2);
const ca = readFileSync(caFile, 'utf8');
const frame = Buffer.from(`[${'{},'.repeat(Math.floor((64 * 1024 * 1024 - 4) / 3))}{}]`);
let sent = 0;
let closes = 0;
let stop = false;
process.on('SIGTERM', () => {
  stop = true;
  process.stdout.write(JSON.stringify({ sent, closes }) + '\n');
  setTimeout(() => process.exit(0), 50);
});

async function one(n) {
  await new Promise((resolve) => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}/v1/ws`, { origin: `https://w${worker}-${n}.evil.example`, ca, perMessageDeflate: false });
    ws.on('open', () => {
      sent++;
      ws.send(frame, { binary: false }, () => undefined);
    });
    ws.on('close', () => {
      closes++;
      resolve();
    });
    ws.on('error', () => resolve());
  });
}

for (let n = 0; !stop; n++) await one(n);
