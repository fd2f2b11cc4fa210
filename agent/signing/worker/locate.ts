// Where the document worker's script is, beside the code that starts it: `document-worker.mjs`, a self-contained
// bundle (CLI bundle, single executable, Electron: scripts/build-cli.mjs), or `entry.js` of the compiled tree
// (dist/agent/signing/worker/). Running from sources (tests) there is neither: null, and documents are worked
// in the agent's thread unless a test hands a script in.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function locateDocumentWorker(base: string = import.meta.url): URL | null {
  for (const name of ['./document-worker.mjs', './entry.js']) {
    const url = new URL(name, base);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return null;
}
