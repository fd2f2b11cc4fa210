import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests next to the code (fakes of the ports only), and native tests that
// use real parts (SoftHSM2, NSS softokn, Chromium, openssl, pdfsig, qpdf, xmlsec1).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['agent/**/*.test.ts', 'renderer/**/*.test.ts', 'sdk/**/*.test.ts', 'bench/**/*.test.ts', 'extension/**/*.test.ts'],
          environment: 'node',
          // Some unit tests parse tens of MiB (parser bounds); on a loaded 2-core CI machine 5 s is not enough.
          // Never a speed assertion: speed lives in the benchmarks.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'native',
          include: ['native-tests/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['native-tests/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Real tokens are shared per run; files run in parallel workers but each opens its own modules.
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
