// vitest globalSetup of the native project: a fresh test PKI, SoftHSM2 tokens A/B and an NSS DB per run, provided as 'kyso'.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildFixture } from './fixtures/build.js';
import './fixtures/types.js';

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'kyso-native-'));
  let fixture;
  try {
    fixture = await buildFixture(dir);
  } catch (err) {
    // A missing system tool fails the run loudly (in CI and locally alike): native tests never skip silently.
    await rm(dir, { recursive: true, force: true });
    const hint = process.env.CI === 'true' ? '' : ' (run `npm run setup:system` to install the system packages)';
    throw new Error(`native test fixture could not be built: ${(err as Error).message}${hint}`);
  }
  // Workers inherit the environment of this process: SoftHSM2 reads SOFTHSM2_CONF in C_Initialize.
  process.env.SOFTHSM2_CONF = fixture.softhsm.conf;
  provide('kyso', fixture);
  if (process.env.KYSO_FIXTURE_VERBOSE === '1') console.log(`[kyso] test PKI and tokens ready in ${Date.now() - started} ms: ${dir}`);
  return async () => {
    if (process.env.KYSO_KEEP_FIXTURES === '1') {
      console.log(`[kyso] fixtures kept in ${dir}`);
      return;
    }
    await rm(dir, { recursive: true, force: true });
  };
}
