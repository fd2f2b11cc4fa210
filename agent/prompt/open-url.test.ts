// The URL opener reports "no window can be shown" quickly instead of letting a dialog wait out its timeout.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createUrlOpener, noDisplayReason } from './open-url.js';

const URL_ = 'file:///tmp/launch-x.html';

describe('createUrlOpener', () => {
  it('rejects at once without $BROWSER and without a display on Linux', async () => {
    expect(noDisplayReason({}, 'linux')).toMatch(/no display/);
    expect(noDisplayReason({ DISPLAY: ':0' }, 'linux')).toBeNull();
    expect(noDisplayReason({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeNull();
    expect(noDisplayReason({}, 'win32')).toBeNull();
    await expect(createUrlOpener({}, 'linux')(URL_)).rejects.toThrow(/no display/);
  });

  it('rejects when the opener is missing or exits with an error, resolves when it succeeds or keeps running', async () => {
    await expect(createUrlOpener({ BROWSER: '/nonexistent/browser' }, 'linux')(URL_)).rejects.toThrow(/failed to start/);
    await expect(createUrlOpener({ BROWSER: '/bin/false' }, 'linux')(URL_)).rejects.toThrow(/exited with 1/);
    await expect(createUrlOpener({ BROWSER: '/bin/true' }, 'linux')(URL_)).resolves.toBeUndefined();
    // A browser that stays open (any long-running program) is taken as started after the grace time.
    const slow = join(mkdtempSync(join(tmpdir(), 'kyso-opener-')), 'browser.sh');
    writeFileSync(slow, '#!/bin/sh\nsleep 1\n');
    chmodSync(slow, 0o755);
    await expect(createUrlOpener({ BROWSER: slow }, 'linux', 100)(URL_)).resolves.toBeUndefined();
  });

  it('never opens anything but http(s) and file URLs', async () => {
    await expect(createUrlOpener({ BROWSER: '/bin/true' }, 'linux')('javascript:alert(1)')).rejects.toThrow(/refusing/);
  });
});
