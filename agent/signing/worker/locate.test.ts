// Unit: where the agent finds its document worker's script (docs/architecture.md "Document worker"). Whatever it finds
// runs as a thread of the agent, with the agent's rights: only our own script, never a file that merely sits there.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { locateDocumentWorker } from './locate.js';

const dir = mkdtempSync(join(tmpdir(), 'kyso-locate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('locateDocumentWorker', () => {
  it('beside a bundle (CLI, executable, Electron): document-worker.mjs, never an entry.js someone left in that folder', () => {
    const folder = join(dir, 'Downloads');
    mkdirSync(folder);
    const bundle = pathToFileURL(join(folder, 'kyso-agent.mjs')).href;
    writeFileSync(join(folder, 'entry.js'), 'process.exit(7)');
    expect(locateDocumentWorker(bundle)).toBeNull();
    writeFileSync(join(folder, 'document-worker.mjs'), '');
    expect(locateDocumentWorker(bundle)?.href).toBe(pathToFileURL(join(folder, 'document-worker.mjs')).href);
  });

  it('in the compiled tree: entry.js beside locate.js', () => {
    const tree = join(dir, 'dist', 'agent', 'signing', 'worker');
    mkdirSync(tree, { recursive: true });
    writeFileSync(join(tree, 'entry.js'), '');
    expect(locateDocumentWorker(pathToFileURL(join(tree, 'locate.js')).href)?.href).toBe(pathToFileURL(join(tree, 'entry.js')).href);
  });
});
