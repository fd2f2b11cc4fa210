// Accessibility: every dialog page passes axe-core with no serious or critical violation, in Vietnamese and English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lang } from '../../agent/core/ports.js';
import { axe, CERTS, promptCtx, startHarness, type Harness } from './harness.js';

let hx: Harness;
beforeAll(async () => {
  hx = await startHarness({ lingerMs: 60_000 });
});
afterAll(async () => {
  await hx?.close();
});

async function openUrl(url: string, lang: Lang) {
  const { page, context } = await hx.newPage(lang);
  await page.goto(url);
  await page.waitForSelector('h1');
  return { page, context };
}

const batch = {
  kind: 'batch' as const, label: 'Hóa đơn tháng 11', count: 8, kinds: ['pdf', 'hash'],
  items: Array.from({ length: 8 }, (_, i) => (i === 3 ? { kind: 'hash' as const, hashHex: 'ab'.repeat(32), hashAlgorithm: 'SHA-1' as const, label: 'Phụ lục' } : { kind: 'document' as const, format: 'pdf' as const, fileName: `Hóa đơn ${i}.pdf`, size: 1000 * i, sha256Hex: 'cd'.repeat(32), hashAlgorithm: 'SHA-256' as const })),
};

describe.each(['vi', 'en'] as const)('axe-core in %s', (lang) => {
  it('request pages: access → picker → confirm (PDF, batch) → last words', async () => {
    const origin = `https://a11y-${lang}.example`;
    const found: Record<string, string[]> = {};
    const urlP = hx.nextUrl();
    const access = promptCtx(lang, origin);
    const allowed = hx.host.requestAccess(access);
    const { page, context } = await openUrl(await urlP, lang);
    found.access = await axe(page);
    await page.getByTestId('deny').click();
    await allowed;
    await page.getByTestId('end').waitFor();
    found.end = await axe(page);

    const pick = promptCtx(lang, origin);
    const chosen = hx.host.chooseCertificate(pick, CERTS, { lastChoice: 'c-company' });
    await page.getByTestId('cert-list').waitFor();
    await page.getByTestId('details-toggle').click();
    found.picker = await axe(page);
    await page.keyboard.press('Escape');
    await chosen;

    const sign = promptCtx(lang, origin);
    const confirmed = hx.host.confirmSigning(sign, {
      subject: { kind: 'document', format: 'pdf', fileName: 'Tờ khai.pdf', size: 184_320, sha256Hex: '9f'.repeat(32), pageCount: 3, existingSignatures: 1, hashAlgorithm: 'SHA-256' },
      certificate: CERTS[0]!, pin: { required: true, pinpad: false, pinStatus: 'finalTry' },
    });
    await page.getByTestId('pin').waitFor();
    found.confirm = await axe(page);
    await page.getByTestId('cancel').click();
    await confirmed;

    const sign2 = promptCtx(lang, origin);
    const confirmed2 = hx.host.confirmSigning(sign2, { subject: batch, certificate: CERTS[1]!, pin: { required: false, pinpad: false, pinStatus: 'ok' }, legacyHash: 'warn' });
    await page.getByTestId('batch-items').waitFor();
    found.batch = await axe(page);
    await page.getByTestId('cancel').click();
    await confirmed2;
    expect(found).toEqual({ access: [], end: [], picker: [], confirm: [], batch: [] });
    await context.close();
  });

  it('panels: settings, diagnostics, about, verify', async () => {
    hx.settings.lang = lang;
    const found: Record<string, string[]> = {};
    for (const panel of ['settings', 'diagnostics', 'about', 'verify'] as const) {
      const url = await hx.host.openPanel(panel);
      // The opener saw it too: take it off the harness's queue so the next test gets its own URL.
      expect(await hx.nextUrl()).toBe(url);
      const { page, context } = await openUrl(url, lang);
      found[panel] = await axe(page);
      await context.close();
    }
    hx.settings.lang = 'vi';
    expect(found).toEqual({ settings: [], diagnostics: [], about: [], verify: [] });
  });
});
