// The single-file build: defines only the global KysoAgent, inlines nothing from the agent but types, stays small.
import { build } from 'esbuild';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

describe('single-file build', () => {
  it('iife_definesOnlyKysoAgent_andFitsBudget', async () => {
    const out = await build({
      entryPoints: ['sdk/src/global.ts'], bundle: true, format: 'iife', globalName: 'KysoAgent', minify: true,
      platform: 'browser', write: false, logLevel: 'silent', metafile: true,
    });
    const code = out.outputFiles[0]!.text;
    // Only SDK sources end up in the bundle: agent/core is imported for types only.
    expect(Object.keys(out.metafile.inputs).every((f) => f.startsWith('sdk/src/'))).toBe(true);
    expect(gzipSync(code).length).toBeLessThanOrEqual(15 * 1024);
    const sandbox: Record<string, unknown> = {};
    const before = new Set(Object.keys(sandbox));
    runInNewContext(code, sandbox);
    expect(Object.keys(sandbox).filter((k) => !before.has(k))).toEqual(['KysoAgent']);
    const api = sandbox.KysoAgent as Record<string, unknown>;
    expect(typeof api.connect).toBe('function');
    expect(typeof api.detect).toBe('function');
    expect(typeof api.PinIncorrectError).toBe('function');
  });
});
