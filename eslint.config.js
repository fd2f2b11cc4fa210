// Lint, including the layering rule of docs/architecture.md: imports only flow toward core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layering from './eslint-rules/layering.js';

/**
 * Which layer may import which (docs/architecture.md), checked on resolved paths by eslint-rules/layering.js.
 * Adapters import core (and what is written here), never each other; nothing in agent/ imports renderer/ or sdk/.
 */
const LEAF = ['core', 'asn1'];
const ADAPTERS = ['pkcs11', 'certs', 'signing', 'server', 'compat', 'tls', 'relay', 'demo', 'prompt'];
const LAYERS = {
  core: [],
  // The ASN.1 toolbox: a leaf every adapter may import.
  asn1: ['core'],
  pkcs11: [...LEAF, 'certs'],
  certs: LEAF,
  signing: [...LEAF, 'certs'],
  server: LEAF,
  compat: LEAF,
  tls: LEAF,
  // relay writes its key and manifests with tls's atomic, private-file helpers.
  relay: [...LEAF, 'tls'],
  demo: [...LEAF, 'certs'],
  // The UserPrompt both roots use (dialog flow, launchers, panels); its contract with the pages is core/ui-contract.
  prompt: LEAF,
  // Composition roots: every adapter, never renderer/. headless is also the shared Node runtime (startAgent, data
  // dir, policy file, log) that the cli and electron roots start; no root imports cli or electron.
  cli: [...LEAF, ...ADAPTERS, 'headless'],
  headless: [...LEAF, ...ADAPTERS],
  electron: [...LEAF, ...ADAPTERS, 'headless'],
  renderer: ['core'],
  sdk: ['core'],
};
const noTests = { group: ['**/*.test', '**/*.test.js', '**/native-tests/**'], message: 'nothing imports tests' };
const noElectron = { name: 'electron', message: 'only agent/electron imports electron' };

/** One restricted-imports rule per adapter layer: its libraries, no electron, no tests (layers: kyso/layering). */
function adapter(name) {
  return {
    files: [`agent/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noTests] }],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-bench/**', '.kyso-test/**', 'sdk/dist/**', 'native-tests/artifacts/**', 'bench/results/**', 'renderer/vendor/**', 'sdk/demo/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', performance: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', crypto: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  {
    files: ['agent/**/*.ts', 'renderer/**/*.ts', 'sdk/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { kyso: { rules: { layering } } },
    rules: { 'kyso/layering': ['error', { layers: LAYERS }] },
  },
  {
    // The packaged executable's entry: the tray shell, or the command line when started with --cli.
    files: ['agent/electron/entry.ts'],
    rules: { 'kyso/layering': ['error', { layers: { ...LAYERS, electron: [...LAYERS.electron, 'cli'] } }] },
  },
  {
    // core: the ports and the rules. No Node, no DOM libraries, no adapters.
    files: ['agent/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, { name: 'ws' }, { name: 'pkcs11js' }],
        patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'tls', 'child_process'], message: 'core imports no Node modules' }, noTests],
      }],
    },
  },
  ...['asn1', ...ADAPTERS].map((name) => adapter(name)),
  {
    // The extension runs in browsers: it bundles only the pure relay protocol of core, nothing else of the agent.
    files: ['extension/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [{ regex: '^(?!.*/agent/core/protocol/relay\\.js$).*(/agent/|^node:)', message: 'the extension bundles only agent/core/protocol/relay' }, { group: ['**/sdk/**', '**/renderer/**'], message: 'layering' }],
      }],
    },
  },
  {
    files: ['agent/cli/**/*.ts', 'agent/headless/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noTests] }] },
  },
  {
    files: ['agent/electron/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noTests] }] },
  },
  {
    // renderer and sdk run in browsers: only types from core, nothing else from the agent — except core/local-time,
    // pure and bundled as is, so the dialogs show times exactly as the PDF stamp does (docs/architecture.md).
    files: ['renderer/**/*.ts', 'sdk/src/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [
          { group: ['**/agent/core/**', '!**/agent/core/local-time.js'], allowTypeImports: true, message: 'renderer/sdk import only types from core' },
          { group: ['**/agent/*/**', '!**/agent/core/**', 'node:*'], message: 'renderer/sdk run in the browser' },
        ],
      }],
    },
  },
  {
    files: ['**/*.test.ts', 'native-tests/**/*.ts', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
