// docs/security.md T25 on the extension route, with a real second user: another local user (setpriv 65534) creates the
// agent's /tmp fallback folder first and listens on the socket inside it, waiting for the host to connect and hand
// it page data. The agent refuses that folder, and the real host refuses to connect to it (and starts no agent).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_EXTENSION_ID, channelLocation } from '../../agent/relay/index.js';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import type { TestFixture } from '../fixtures/types.js';
import { ensureBuilt } from './harness.js';
import { HostClient } from './host-client.js';

const OURS = `chrome-extension://${CHROMIUM_EXTENSION_ID}/`;
let fx: TestFixture;
let dir: string;
let dataDir: string;
let squatDir: string;
let seenFile: string;
let squatter: ChildProcess;
let agent: RunningAgent | null = null;

beforeAll(async () => {
  fx = inject('kyso');
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'kyso-squat-'));
  // Deep enough that the socket cannot live in <dataDir>/run: the agent falls back to /tmp/kyso-agent-<uid>-<hash>.
  dataDir = join(dir, 'd'.repeat(100));
  const loc = channelLocation(dataDir, 'linux', { uid: process.getuid!(), name: '' });
  expect(loc.dir!.startsWith('/tmp/kyso-agent-')).toBe(true);
  squatDir = loc.dir!;
  rmSync(squatDir, { recursive: true, force: true });
  seenFile = join(tmpdir(), `kyso-squat-seen-${process.pid}`);
  writeFileSync(seenFile, '');
  // The squatter: user 65534 makes the folder (0777, so the agent's user could use it) and listens in it,
  // appending every byte it is sent to a file the test reads.
  const script = `
    const fs = require('fs'), net = require('net');
    fs.mkdirSync(${JSON.stringify(squatDir)}, { mode: 0o777 }); fs.chmodSync(${JSON.stringify(squatDir)}, 0o777);
    const srv = net.createServer((s) => { fs.appendFileSync(${JSON.stringify(seenFile)}, 'CONNECTION\\n'); s.on('data', (d) => fs.appendFileSync(${JSON.stringify(seenFile)}, d)); });
    srv.listen(${JSON.stringify(loc.path)}, () => { fs.chmodSync(${JSON.stringify(loc.path)}, 0o777); console.log('LISTENING'); });`;
  writeFileSync(seenFile, '');
  chmodSync(seenFile, 0o666);
  squatter = spawn('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    squatter.stdout!.on('data', (d: Buffer) => d.toString().includes('LISTENING') && resolve());
    squatter.once('exit', (c) => reject(new Error(`squatter exited ${c}`)));
  });
  expect(statSync(squatDir).uid).toBe(65534);
});

afterAll(async () => {
  await agent?.stop();
  squatter?.kill();
  rmSync(squatDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  rmSync(seenFile, { force: true });
});

describe('a second user squats the /tmp fallback folder', () => {
  it('the agent refuses the folder: it runs, without a relay channel, and says why in its log', async () => {
    agent = await startAgent({
      dataDir, home: dir, port: 0, vnptPorts: [], prompt: new ScriptedPrompt({}), env: { ...process.env, SOFTHSM2_CONF: fx.softhsm.conf },
      modules: [{ name: 'SoftHSM2', path: fx.softhsm.module, source: 'env' }],
    });
    expect(agent.relayPath).toBeNull();
    const log = readFileSync(join(dataDir, 'logs', 'agent.log'), 'utf8');
    expect(log).toMatch(/"event":"relay\.failed".*belongs to another user/);
  });

  it('the host refuses to connect there, starts no agent, and the squatter gets nothing', async () => {
    const env = { ...process.env, HOME: dir, KYSO_AGENT_HOME: dataDir, KYSO_AGENT_START_ARGS: '--port 0', SOFTHSM2_CONF: fx.softhsm.conf };
    const h = HostClient.start(OURS, env);
    h.send({ t: 'hello', relay: 1, version: '0.1.0', role: 'extension' });
    h.send({ t: 'open', s: 1, kind: 'rpc', origin: 'https://dichvucong.gov.vn' });
    h.send({ t: 'data', s: 1, text: 'PAGE-SECRET-DOCUMENT' });
    const err = await h.next((m) => m.t === 'error');
    expect(err.reason).toBe('AGENT_UNAVAILABLE');
    expect(String(err.message)).toMatch(/không riêng tư.*not private.*belongs to another user/);
    expect(await h.exited).toBe(1);
    expect(h.stderr).not.toContain('starting it');
    expect(readFileSync(seenFile, 'utf8')).toBe('');
  });
});
