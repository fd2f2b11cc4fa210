// docs/security.md T25, the /tmp fallback folder of the local channels, with a real second user: user 65534 plants a
// symlink where the agent's private folder goes (/tmp/kyso-agent-<uid>-…), pointing at a folder of the agent's user.
// The agent must neither use it nor follow it (macOS has no protected_symlinks; nothing here relies on Linux's):
// refused, and the link's target left exactly as it was — before the agent looks, and in the moment just after.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { channelLocation } from '../../agent/relay/channel-path.js';
import { securePrivateDir } from '../../agent/relay/private-dir.js';

/** The moment another user wins: right after the agent's first file-system call on the folder's path. */
const race = vi.hoisted(() => ({ path: '', plant: (): void => undefined, armed: false }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const after = <A extends unknown[], R>(fn: (p: unknown, ...rest: A) => Promise<R>) => async (p: unknown, ...rest: A): Promise<R> => {
    try {
      return await fn(p, ...rest);
    } finally {
      if (race.armed && p === race.path) {
        race.armed = false;
        race.plant();
      }
    }
  };
  return { ...fs, default: fs, lstat: after(fs.lstat as never), mkdir: after(fs.mkdir as never), stat: after(fs.stat as never), chmod: after(fs.chmod as never) };
});

let dir: string;
let target: string;
let linkPath: string;

/** `ln -s target linkPath` as user 65534; false when the path was already taken. */
function plantLink(): boolean {
  try {
    execFileSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', 'ln', '-s', target, linkPath], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kyso-symlink-'));
  // A folder of the agent's own user (its home, say), open to read: what the other user wants chmod-ed or used.
  target = join(dir, 'victim');
  mkdirSync(target, { mode: 0o755 });
  execFileSync('chmod', ['0755', target]);
  // Deep enough that the socket cannot live in <dataDir>/run: the channel falls back to /tmp/kyso-agent-<uid>-<hash>.
  const loc = channelLocation(join(dir, 'd'.repeat(100)), 'linux', { uid: process.getuid!(), name: '' }, '/tmp', 'control');
  expect(loc.dir!.startsWith('/tmp/kyso-agent-')).toBe(true);
  linkPath = loc.dir!;
  rmSync(linkPath, { recursive: true, force: true });
  race.path = linkPath;
  race.armed = false;
});

afterEach(() => {
  rmSync(linkPath, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('a symlink planted at the /tmp fallback folder by another user', () => {
  it('planted before the agent looks: refused as not a folder; the target untouched', async () => {
    expect(plantLink()).toBe(true);
    expect(lstatSync(linkPath).uid).toBe(65534);
    await expect(securePrivateDir(linkPath)).rejects.toThrow(/is not a folder/);
    expect(statSync(target).mode & 0o777).toBe(0o755);
    expect(lstatSync(linkPath).isSymbolicLink()).toBe(true);
  });

  it('planted in the moment after the agent’s first look: never followed (no chmod through it), never used', async () => {
    let planted = false;
    race.plant = () => void (planted = plantLink());
    race.armed = true;
    const outcome = await securePrivateDir(linkPath).then(() => 'used', (e: Error) => e.message);
    // The target keeps its mode whatever happened: the agent changed nothing through the link.
    expect(statSync(target).mode & 0o777).toBe(0o755);
    const st = lstatSync(linkPath);
    if (planted) {
      // The other user got the path: the agent must have refused it.
      expect(outcome).toMatch(/is not a folder/);
    } else {
      // The agent's own mkdir came first: the path is a real 0700 folder of ours that the link could not replace.
      expect(outcome).toBe('used');
      expect(st.isDirectory() && !st.isSymbolicLink()).toBe(true);
      expect(st.uid).toBe(process.getuid!());
      expect(st.mode & 0o777).toBe(0o700);
    }
  });

  it('a folder of this user left open to others is tightened to 0700; a folder of another user is refused as it is', async () => {
    mkdirSync(linkPath, { mode: 0o755 });
    execFileSync('chmod', ['0755', linkPath]);
    await securePrivateDir(linkPath);
    expect(statSync(linkPath).mode & 0o777).toBe(0o700);
    rmSync(linkPath, { recursive: true });
    execFileSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', 'mkdir', '-m', '0700', linkPath]);
    await expect(securePrivateDir(linkPath)).rejects.toThrow(/belongs to another user/);
    expect(statSync(linkPath).uid).toBe(65534);
  });
});
