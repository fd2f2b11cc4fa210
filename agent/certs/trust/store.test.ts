import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsFromFiles, loadTrustAnchors, shippedAnchors } from './store.js';
import { VN_TRUST_LIST } from './vn-trust-list.js';

describe('trust list', () => {
  it('shippedEntries_matchTheirPinnedFingerprints_andAreCas', () => {
    const r = shippedAnchors();
    expect(r.problems).toEqual([]);
    expect(r.anchors.map((a) => a.sha256)).toEqual(VN_TRUST_LIST.map((e) => e.sha256));
    expect(r.anchors[0]!.subject).toContain('Vietnam National Root CA');
  });

  it('aTamperedEntry_isRefused', () => {
    const bad = [{ ...VN_TRUST_LIST[0]!, sha256: '00'.repeat(32) }];
    const r = shippedAnchors(bad);
    expect(r.anchors).toEqual([]);
    expect(r.problems[0]).toMatch(/fingerprint mismatch/);
  });

  it('policyFiles_pemAndDer_areRead_nonCaAndMissingFilesReported', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyso-anchors-'));
    const pem = join(dir, 'a.pem');
    await writeFile(pem, VN_TRUST_LIST[1]!.pem);
    const der = join(dir, 'b.der');
    const derBytes = Buffer.from(VN_TRUST_LIST[0]!.pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    await writeFile(der, derBytes);
    const r = await anchorsFromFiles([pem, der, join(dir, 'missing.pem')], 'policy');
    expect(r.anchors.map((a) => a.sha256)).toEqual([VN_TRUST_LIST[1]!.sha256, createHash('sha256').update(derBytes).digest('hex')]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^trust\.anchors .*missing\.pem/);
    const all = await loadTrustAnchors({ policyAnchors: [pem] });
    expect(all.anchors).toHaveLength(VN_TRUST_LIST.length); // de-duplicated
  });
});
