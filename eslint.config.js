// Lint, including the layering rule of ../shared/STYLE.md: imports only flow toward core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layers = ['pkcs11', 'certs', 'signing', 'server', 'compat', 'tls', 'relay', 'cli', 'headless', 'electron', 'demo'];

/** Patterns that forbid importing the given sibling layers of agent/. */
const layerPatterns = (names) => names.map((n) => ({ group: [`**/${n}/*`, `**/${n}`], message: `layering: this folder may not import agent/${n} (see STYLE.md)` }));
const noTests = { group: ['**/*.test', '**/*.test.js', '**/native-tests/**'], message: 'nothing imports tests' };
const noElectron = { name: 'electron', message: 'only agent/electron imports electron' };

/** One restricted-imports rule per adapter layer: core + its libraries, not the other adapters. */
function adapter(name, alsoAllowed = []) {
  const forbidden = layers.filter((l) => l !== name && !alsoAllowed.includes(l));
  return {
    files: [`agent/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [...layerPatterns(forbidden), { group: ['**/renderer/**', '**/sdk/**'], message: 'layering' }, noTests] }],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.kyso-test/**', 'sdk/dist/**', 'native-tests/artifacts/**', 'bench/results/**', 'renderer/vendor/**', 'sdk/demo/vendor/**'] },
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
    // core: the ports and the rules. No Node, no DOM libraries, no adapters.
    files: ['agent/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, { name: 'ws' }, { name: 'pkcs11js' }],
        patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'tls', 'child_process'], message: 'core imports no Node modules' }, ...layerPatterns(layers), { group: ['**/renderer/**', '**/sdk/**'], message: 'layering' }, noTests],
      }],
    },
  },
  adapter('pkcs11', ['certs']),
  adapter('certs'),
  adapter('signing', ['certs']),
  adapter('server'),
  adapter('compat'),
  adapter('tls'),
  adapter('demo', ['certs']),
  // relay writes its key and manifests with tls's atomic, private-file helpers.
  adapter('relay', ['tls']),
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
    // renderer and sdk run in browsers: only types from core, nothing else from the agent.
    files: ['renderer/**/*.ts', 'sdk/src/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [
          { group: ['**/agent/core/**'], allowTypeImports: true, message: 'renderer/sdk import only types from core' },
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
