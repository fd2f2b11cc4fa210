// The agent's version, read once from the package.json this code ships in (source tree or dist/).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function agentVersion(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'kyso-agent' && pkg.version) return (cached = pkg.version);
      } catch {
        /* keep looking upwards */
      }
    }
    dir = dirname(dir);
  }
  return (cached = '0.0.0');
}
