// answer-stall: the longest event-loop gap while the answer of a signed 64 MiB document is serialised and written as
// one WebSocket message to a client in another process (docs/security.md "Answers as pieces"), and the cost of
// cutting the answer's first fragment (main: flattening the 85 MiB rope; pieces: none). Measured with a 1 ms
// interval's longest gap. Reports, never fails on time. Needs dist/ (npm run build).
// Usage: node bench/answer-stall.mjs [--rounds 3] [build root, default this checkout] — another checkout's build
// (e.g. main's) can be measured with this script.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { arg, root as here, writeResult } from './lib/rpc-setup.mjs';

const ROUNDS = arg('rounds', 3);
const last = process.argv[process.argv.length - 1];
const root = last.startsWith('/') && !last.endsWith('answer-stall.mjs') ? last : here;
const load = (p) => import(pathToFileURL(join(root, p)).href);

if (process.argv.includes('--client')) {
  const { default: WebSocket } = await load('node_modules/ws/index.js');
  const ws = new WebSocket(`ws://127.0.0.1:${process.argv[process.argv.indexOf('--client') + 1]}`, { maxPayload: 512 << 20 });
  ws.on('message', (data) => process.send({ bytes: data.length }));
  await once(ws, 'open');
  process.send({ open: true });
} else {
  const { default: WebSocket } = await load('node_modules/ws/index.js');
  const { encodeBase64Sliced } = await load('dist/agent/core/protocol/slices.js');
  const { serializeResultSliced } = await load('dist/agent/core/protocol/json.js');
  const { MessageQueue } = await load('dist/agent/server/large-text.js');
  const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  const child = fork(new URL(import.meta.url).pathname, ['--client', String(wss.address().port), root]);
  const [server] = await once(wss, 'connection');
  await once(child, 'message');
  const queue = new MessageQueue((data, fin, done) => server.send(data, { binary: false, fin }, done), () => server.readyState === WebSocket.OPEN);
  const gaps = [];
  const firstFragment = [];
  for (let r = 0; r < ROUNDS; r++) {
    const encoded = await encodeBase64Sliced(randomBytes(64 << 20));
    // Warmed up: the interval's first gap is not a measurement.
    let prev = performance.now();
    let gap = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      gap = Math.max(gap, now - prev);
      prev = now;
    }, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    gap = 0;
    const answer = await serializeResultSliced(1, { pdf: encoded });
    const arrived = once(child, 'message');
    await queue.send(answer);
    const [{ bytes }] = await arrived;
    clearInterval(tick);
    if (bytes < 85 << 20) throw new Error(`short answer: ${bytes} bytes`);
    gaps.push(Math.round(gap * 10) / 10);
    // The first fragment's cut alone, on a fresh answer: a rope's first slice flattens it.
    const again = await serializeResultSliced(2, { pdf: await encodeBase64Sliced(randomBytes(64 << 20)) });
    const t = performance.now();
    if (typeof again === 'string') again.slice(0, 1 << 20);
    else void again.pieces[0];
    firstFragment.push(Math.round((performance.now() - t) * 10) / 10);
  }
  child.kill();
  wss.close();
  const result = {
    benchmark: 'answer-stall',
    what: 'longest event-loop gap while a signed 64 MiB document\'s answer is serialised and written over ws; cost of cutting its first fragment',
    unit: 'ms',
    build: root === here ? 'this checkout' : root,
    rounds: ROUNDS,
    writeMaxGapMs: gaps,
    firstFragmentMs: firstFragment,
    machine: { loadAverage1m: Math.round(loadavg()[0] * 10) / 10 },
    date: new Date().toISOString(),
  };
  if (root === here) writeResult('answer-stall', result);
  else console.log(JSON.stringify(result));
  process.exit(0);
}
