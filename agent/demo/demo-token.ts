// `kyso-agent demo-token init`: a persistent SoftHSM2 token "KYSO DEMO" with the demo PKI under the data dir.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePki } from './pki.js';
import { tokenObjectsFor } from './token-contents.js';
import { findSoftHsmModule, provisionSoftHsm } from './softhsm.js';

export const DEMO_TOKEN_LABEL = 'KYSO DEMO';
/** Well-known on purpose: the demo token holds throw-away test keys issued by a test CA nobody trusts. */
export const DEMO_TOKEN_PIN = '123456';
/** What goes on the demo token: usable certificates of every key type plus expired / not-yet-valid ones for the picker. */
const DEMO_CERTS = ['citizen', 'company', 'ecPerson', 'rsa3072', 'expired', 'notYetValid'] as const;

/** How the agent points SoftHSM2 at the demo token: set SOFTHSM2_CONF=conf before C_Initialize of `module`. */
export interface DemoTokenConfig {
  conf: string;
  module: string;
  pin: string;
  label: string;
}

export interface DemoTokenResult extends DemoTokenConfig {
  /** created now, or already there (nothing changed). */
  status: 'created' | 'existing';
  dir: string;
  certificates: Array<{ name: string; commonName: string; thumbprintSha256: string; status: string }>;
}

interface DemoState {
  version: 1;
  label: string;
  pin: string;
  module: string;
  createdAt: string;
  certificates: DemoTokenResult['certificates'];
}

/** The demo token's directory inside the agent's data dir. */
export function demoTokenDir(dataDir: string): string {
  return join(dataDir, 'demo-token');
}

async function readState(dir: string): Promise<DemoState | null> {
  try {
    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as DemoState;
    if (state.version !== 1 || !existsSync(join(dir, 'softhsm2.conf'))) return null;
    const tokens = await readdir(join(dir, 'tokens')).catch(() => []);
    return tokens.length > 0 ? state : null;
  } catch {
    return null; // missing or unreadable: treated as "not initialised"
  }
}

/**
 * The demo token's SoftHSM2 settings when it has been initialised under `dataDir`, else null. The module is the one
 * recorded at init time, or the currently installed one if that moved (e.g. after a distribution upgrade).
 */
export async function demoTokenConfig(dataDir: string): Promise<DemoTokenConfig | null> {
  const dir = demoTokenDir(dataDir);
  const state = await readState(dir);
  if (!state) return null;
  const module = existsSync(state.module) ? state.module : findSoftHsmModule();
  if (!module) return null;
  return { conf: join(dir, 'softhsm2.conf'), module, pin: state.pin, label: state.label };
}

/**
 * Creates the demo token (idempotent): when it exists and `force` is not set, reports it unchanged; with `force`
 * it is rebuilt from a fresh PKI. Built in a sibling temp dir and renamed into place, so a failure leaves no
 * half-made token behind. Private key files are deleted once the keys are on the token.
 */
export async function demoTokenInit(options: { dataDir: string; force?: boolean; module?: string }): Promise<DemoTokenResult> {
  const dir = demoTokenDir(options.dataDir);
  const existing = await readState(dir);
  if (existing && !options.force) {
    const config = await demoTokenConfig(options.dataDir);
    if (config) return { ...config, status: 'existing', dir, certificates: existing.certificates };
  }
  const module = options.module ?? findSoftHsmModule();
  if (!module) throw new Error('SoftHSM2 is not installed (libsofthsm2.so not found). Debian/Ubuntu: apt-get install softhsm2; macOS: brew install softhsm');

  const work = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    const pki = await generatePki(join(work, 'pki'));
    // SoftHSM2 stores the token directory path inside the conf, so the conf must name the final location.
    await provisionSoftHsm({
      module, conf: join(work, 'softhsm2.conf'), tokenDir: join(work, 'tokens'),
      tokens: [{ label: DEMO_TOKEN_LABEL, pin: DEMO_TOKEN_PIN, soPin: randomBytes(8).toString('hex'), objects: tokenObjectsFor(pki, DEMO_CERTS, { ca: true }) }],
    });
    const files = await readdir(pki.dir);
    await Promise.all(files.filter((f) => f.endsWith('.key.pem')).map((f) => rm(join(pki.dir, f), { force: true })));
    const certificates = DEMO_CERTS.map((name) => {
      const c = pki.certs[name];
      return { name, commonName: c.commonName, thumbprintSha256: c.thumbprintSha256, status: c.status };
    });
    const state: DemoState = { version: 1, label: DEMO_TOKEN_LABEL, pin: DEMO_TOKEN_PIN, module, createdAt: new Date().toISOString(), certificates };
    await writeFile(join(work, 'state.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    await writeFile(join(work, 'softhsm2.conf'), (await readFile(join(work, 'softhsm2.conf'), 'utf8')).replace(join(work, 'tokens'), join(dir, 'tokens')));
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
    return { conf: join(dir, 'softhsm2.conf'), module, pin: DEMO_TOKEN_PIN, label: DEMO_TOKEN_LABEL, status: 'created', dir, certificates };
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}
