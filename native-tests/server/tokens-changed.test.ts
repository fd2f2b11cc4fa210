// tokens.changed over wss on a real module: a SoftHSM2 token created and deleted while the agent runs reaches an
// approved page as a notification (SoftHSM2 sees new tokens only after the refresh re-initialises it).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ScriptedPrompt } from '../../agent/core/testing/scripted-prompt.js';
import { startAgent, type RunningAgent } from '../../agent/headless/index.js';
import { RpcClient } from './agent-client.js';

const run = promisify(execFile);
const k = inject('kyso');
const PORTAL = 'https://portal.example.vn';
let dir: string;
let conf: string;
let agent: RunningAgent;

const softhsm = (...args: string[]) => run('softhsm2-util', args, { env: { ...process.env, SOFTHSM2_CONF: conf } });

/** Resolves with the next tokens.changed notification after `since` notifications, or rejects after `ms`. */
async function nextChange(client: RpcClient, since: number, ms = 10_000): Promise<Array<{ label: string }>> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const n = client.notifications[since];
    if (n) {
      expect(n.method).toBe('tokens.changed');
      return (n.params as { tokens: Array<{ label: string }> }).tokens;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no tokens.changed notification');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kyso-changed-'));
  // A SoftHSM2 of its own: this test adds and deletes tokens, which other test files must not see.
  const tokens = join(dir, 'tokens');
  await mkdir(tokens);
  conf = join(dir, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  await softhsm('--init-token', '--free', '--label', 'KYSO TOKEN D', '--pin', '111111', '--so-pin', '222222');
  process.env.SOFTHSM2_CONF = conf;
  await writeFile(join(dir, 'policy.json'), JSON.stringify({ allowedOrigins: [PORTAL] }));
  agent = await startAgent({
    dataDir: join(dir, 'data'),
    policyPath: join(dir, 'policy.json'),
    home: dir,
    port: 0,
    vnptPorts: [],
    prompt: new ScriptedPrompt({ access: 'allowAlways', confirm: 'cancel' }),
    modules: [{ name: 'SoftHSM2', path: k.softhsm.module, source: 'env' }],
  });
});

afterAll(async () => {
  await agent?.stop();
  process.env.SOFTHSM2_CONF = k.softhsm.conf;
  await rm(dir, { recursive: true, force: true });
});

describe('tokens.changed', () => {
  it('notifies an approved page when a token appears and when it goes away', async () => {
    const client = await RpcClient.open(`wss://127.0.0.1:${agent.tlsPort}/v1/ws`, PORTAL, agent.tls.caPem);
    try {
      const { tokens } = await client.ok<{ tokens: Array<{ label: string }> }>('tokens.list');
      expect(tokens.map((t) => t.label)).toEqual(['KYSO TOKEN D']);

      await softhsm('--init-token', '--free', '--label', 'KYSO TOKEN E', '--pin', '333333', '--so-pin', '444444');
      const seen = client.notifications.length;
      const refreshed = await client.ok<{ tokens: Array<{ label: string }> }>('tokens.refresh');
      expect(refreshed.tokens.map((t) => t.label).sort()).toEqual(['KYSO TOKEN D', 'KYSO TOKEN E']);
      expect((await nextChange(client, seen)).map((t) => t.label).sort()).toEqual(['KYSO TOKEN D', 'KYSO TOKEN E']);

      await softhsm('--delete-token', '--token', 'KYSO TOKEN E');
      const seen2 = client.notifications.length;
      await client.ok('tokens.refresh');
      expect((await nextChange(client, seen2)).map((t) => t.label)).toEqual(['KYSO TOKEN D']);
    } finally {
      client.close();
    }
  });
});
