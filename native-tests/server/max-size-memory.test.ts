// docs/security.md T22/T23 at the document limit, through the real agent (wss, real signers, SoftHSM2): each format at its
// maximum size either signs or answers DOCUMENT_INVALID / PAYLOAD_TOO_LARGE, and the agent stays under its 1 GiB
// memory budget. The client runs in another process (max-size-client.mjs), so the peak RSS and the event-loop
// stalls printed here are the agent's own.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundleDocumentWorker } from '../fixtures/document-worker.js';
import { makeDocx } from '../../agent/signing/ooxml/testing/make-docx.js';
import { PORTAL, measureStall, startPortalAgent, type PortalAgent } from './loop-stall.js';

const k = inject('kyso');
const MiB = 1024 * 1024;
let p: PortalAgent;

beforeAll(async () => {
  // As the built agent runs: large XML and Office documents in the document worker.
  p = await startPortalAgent(k.softhsm, { documentWorker: await bundleDocumentWorker() });
  // A Word file of 60 MiB: one picture of random bytes (they do not compress), and the text.
  await writeFile(join(p.dir, 'big.docx'), makeDocx(['Tờ trình'], { 'word/media/image1.bin': randomBytes(60 * MiB) }));
}, 120_000);

afterAll(async () => {
  await p?.stop();
});

const cases: Array<[string, string, string, 'ok' | 'DOCUMENT_INVALID']> = [
  ['sign.xml', '64 MiB flat <r><a/><b/>…</r>', 'xml-flat', 'DOCUMENT_INVALID'],
  ['sign.xml', '60 MiB of text in one element', 'xml-text', 'ok'],
  ['sign.pdf', '63 MiB PDF', 'pdf', 'ok'],
  ['sign.cms', '64 MiB data', 'cms', 'ok'],
  ['sign.office', '60 MiB .docx', 'office', 'ok'],
  ['sign.batch', '500 XML items', 'batch', 'ok'],
];

/** Longest event-loop stall allowed (ms) while the case is processed: the approved-origin large messages. */
const stallBound: Record<string, number> = { pdf: 3000, cms: 3000, 'xml-text': 3000, office: 3000, batch: 3000 };

/** Runs the client process for one case; resolves with its one-line verdict. */
function runClient(kase: string): Promise<{ ok: boolean; reason?: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [fileURLToPath(new URL('max-size-client.mjs', import.meta.url)), String(p.agent.tlsPort), p.caFile, PORTAL, p.certId, kase, join(p.dir, 'big.docx')], { maxBuffer: 1024 * 1024 }, (err, stdout) => {
      if (err && !stdout) return reject(err);
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; reason?: string });
    });
  });
}

describe('T23: every format at the maximum size, within the memory budget', () => {
  for (const [method, what, kase, expected] of cases) {
    it(`${method}: ${what} → ${expected}`, async () => {
      const [reply, f] = await measureStall(() => p.call('agent.info', {}), () => runClient(kase));
      const maxRss = process.resourceUsage().maxRSS * 1024;
      console.log(`${method} ${what}: ${reply.ok ? 'signed' : reply.reason}, agent peak RSS so far ${(maxRss / MiB).toFixed(0)} MiB, now ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB, ${f.line}`);
      if (expected === 'ok') expect(reply).toMatchObject({ ok: true });
      else expect(reply.reason).toBe(expected);
      // XML and Office documents of this size are worked in the document worker, off the agent's event loop.
      if (method === 'sign.xml' || method === 'sign.office') expect(await readFile(join(p.dir, 'data', 'logs', 'agent.log'), 'utf8')).toContain('document-worker.started');
      // The budget (docs/security.md) is 1 GiB for the agent; the test runner (~150 MiB) and GC timing on a loaded
      // machine add some, hence the margin. Before the bounds, the flat XML alone aborted V8 at 4.5 GB.
      expect(maxRss).toBeLessThan(1280 * MiB);
      const bound = stallBound[kase];
      if (bound !== undefined) {
        // docs/security.md T22: no single message blocks the loop for long. The target is ~100 ms; the bound is
        // generous for a loaded 2-core machine running the other native test files beside this one (one
        // whole-message copy in ws remains, see security.md). Measured: 0.7–0.8 s alone at load 15, 1.4–2.2 s with
        // the suite in parallel at load 17–20; before the slicing 1.4 s alone at load 4.7 and 3.5–8.4 s under load.
        expect(f.maxMs).toBeLessThan(bound);
        expect(f.probes).toBeGreaterThan(3);
      }
    }, 180_000);
  }
});
