// Where the native tests find the independent validators built by scripts/setup-validators.mjs.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The venv's Python (pyHanko and other PyPI validators are installed there). */
export const venvPython = join(root, '.venv', 'bin', 'python');

/** The shaded jar of the Java validator in native-tests/validators/<name>/. Throws when it was not built. */
export function validatorJar(name: string): string {
  const jar = join(root, 'native-tests', 'validators', name, 'target', `${name}.jar`);
  if (!existsSync(jar)) throw new Error(`validator ${name} not built: run node scripts/setup-validators.mjs`);
  return jar;
}
