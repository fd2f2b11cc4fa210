// The pages a PDF stamp lands on, rendered with pdf.js and the stamp drawn where it will be (docs/security.md T24):
// the user sees what the signature adds over the document, not only a sketch. pdf.js and its worker are served by
// the agent itself (the dialog's CSP allows nothing else) and run without eval; fonts are drawn as paths.
import type { PdfStampInfo } from '../../agent/core/types.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

/** A stamp covering more than this share of the page gets a warning. */
export const LARGE_STAMP_SHARE = 0.2;
/** Pages rendered at most (a stamp on every page of a long file lists the rest). */
export const MAX_PREVIEW_PAGES = 12;
const PREVIEW_PX = 300;

type Rect = [number, number, number, number];
interface PdfJs {
  GlobalWorkerOptions: { workerSrc: string };
  getDocument(src: Record<string, unknown>): { promise: Promise<PdfDoc> };
}
interface PdfDoc {
  numPages: number;
  getPage(n: number): Promise<PdfPage>;
  destroy(): Promise<void>;
}
interface Viewport {
  width: number;
  height: number;
}
interface PdfPage {
  getViewport(o: { scale: number }): Viewport;
  render(o: Record<string, unknown>): { promise: Promise<void> };
}

/** Share of the page the stamp covers and whether any of it leaves the page (same rule as the agent's). */
export function geometry(rect: Rect, page: [number, number]): { coverage: number; offPage: boolean } {
  const [x, y, w, hgt] = rect;
  const [pw, ph] = page;
  const ix = Math.max(0, Math.min(x + w, pw) - Math.max(x, 0));
  const iy = Math.max(0, Math.min(y + hgt, ph) - Math.max(y, 0));
  return { coverage: pw > 0 && ph > 0 ? (ix * iy) / (pw * ph) : 0, offPage: ix * iy < w * hgt - 1e-6 };
}

function loadImage(src: string): Promise<HTMLImageElement | null> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => resolve(null);
    img.src = src;
  });
}

/** The planned stamp over the rendered page: a tinted box with a border, its image and its text. */
function drawStamp(g: CanvasRenderingContext2D, rect: Rect, pageHeight: number, scale: number, text: string, image: HTMLImageElement | null): void {
  const [x, y, w, hgt] = rect;
  const left = x * scale;
  const top = (pageHeight - y - hgt) * scale;
  const width = w * scale;
  const height = hgt * scale;
  g.save();
  g.fillStyle = 'rgba(255, 214, 0, 0.35)';
  g.fillRect(left, top, width, height);
  if (image) g.drawImage(image, left, top, width, height);
  g.beginPath();
  g.rect(left, top, width, height);
  g.clip();
  g.fillStyle = '#7a0000';
  g.font = `${Math.max(8, Math.min(14, height / 3))}px sans-serif`;
  g.textBaseline = 'top';
  g.fillText(text, left + 3, top + 3, Math.max(10, width - 6));
  g.restore();
  g.save();
  g.strokeStyle = '#c00000';
  g.lineWidth = 2;
  g.setLineDash([6, 3]);
  g.strokeRect(left, top, width, height);
  g.restore();
}

async function render(box: HTMLElement, stamp: PdfStampInfo, data: ArrayBuffer, label: string): Promise<void> {
  // Relative to the page: /ui/assets/ in the browser host (the page is /ui/<id>), kyso-ui://app/assets/ in Electron.
  const assets = new URL('assets/', location.href).href;
  const pdfjs = (await import(/* @vite-ignore */ `${assets}pdf.mjs`)) as PdfJs;
  pdfjs.GlobalWorkerOptions.workerSrc = `${assets}pdf.worker.mjs`;
  const doc = await pdfjs.getDocument({ data, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, enableXfa: false, stopAtErrors: false }).promise;
  const rect = stamp.rect as Rect;
  const image = typeof stamp.image === 'string' ? await loadImage(stamp.image) : null;
  const wanted = stamp.pages === 'all' ? Array.from({ length: doc.numPages }, (_, i) => i + 1) : stamp.pages ?? (stamp.page !== undefined ? [stamp.page] : []);
  const pages = wanted.filter((n) => n >= 1 && n <= doc.numPages);
  for (const n of pages.slice(0, MAX_PREVIEW_PAGES)) {
    const page = await doc.getPage(n);
    const natural = page.getViewport({ scale: 1 });
    const scale = PREVIEW_PX / Math.max(natural.width, natural.height, 1);
    const viewport = page.getViewport({ scale });
    const canvas = h('canvas', { class: 'stamp-canvas', 'data-testid': 'stamp-preview-canvas', 'data-page': n, role: 'img', 'aria-label': t('stampPreviewPage', { page: n }) });
    canvas.width = Math.ceil(viewport.width);
    canvas.height = Math.ceil(viewport.height);
    const g = canvas.getContext('2d');
    if (!g) throw new Error('no 2d canvas');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas, canvasContext: g, viewport }).promise;
    drawStamp(g, rect, natural.height, scale, label, image);
    // The target page's warnings are the agent's own (above); other pages of a repeated stamp get theirs here,
    // from each page's own size.
    const geo = n === stamp.page ? { coverage: 0, offPage: false } : geometry(rect, [natural.width, natural.height]);
    const pct = Math.round(geo.coverage * 100);
    box.append(h(
      'figure',
      { class: 'stamp-figure', 'data-page': n },
      canvas,
      h('figcaption', {}, t('stampPreviewPage', { page: n })),
      geo.coverage > LARGE_STAMP_SHARE ? h('p', { class: 'warning', role: 'alert', 'data-testid': 'stamp-preview-large' }, t('stampLarge', { pct })) : null,
      geo.offPage ? h('p', { class: 'warning', role: 'alert', 'data-testid': 'stamp-preview-offpage' }, t('stampOffPage')) : null,
    ));
  }
  if (pages.length > MAX_PREVIEW_PAGES) box.append(h('p', { class: 'muted' }, t('stampPreviewMore', { count: pages.length - MAX_PREVIEW_PAGES })));
  box.setAttribute('data-state', 'drawn');
  await doc.destroy();
}

/**
 * The preview block: filled in once the document and pdf.js have loaded; on any failure it says so and the
 * sketch and facts above stay the description. `load` undefined: this host hands no document to its page.
 * `onDemand` (a batch item): a button renders it, so a batch of many PDFs loads only the ones the user opens.
 */
export function stampPreview(stamp: PdfStampInfo, load: (() => Promise<ArrayBuffer | null>) | undefined, label: string, onDemand = false): HTMLElement | null {
  if (!load || !stamp.visible || !stamp.rect) return null;
  const box = h('div', { class: 'stamp-previews', 'data-testid': 'stamp-preview', 'data-state': onDemand ? 'idle' : 'loading', 'aria-live': 'polite' });
  const start = () => {
    box.setAttribute('data-state', 'loading');
    void load()
      .then((data) => {
        if (data) return render(box, stamp, data, label);
        // Nothing to render: a single document's block goes; a batch item the user asked for says why.
        if (!onDemand) return box.remove();
        box.setAttribute('data-state', 'unavailable');
        box.replaceChildren(h('p', { class: 'muted', 'data-testid': 'stamp-preview-gone' }, t('stampPreviewGone')));
      })
      .catch(() => {
        box.setAttribute('data-state', 'failed');
        box.append(h('p', { class: 'muted', 'data-testid': 'stamp-preview-failed' }, t('stampPreviewFailed')));
      });
  };
  if (!onDemand) {
    start();
    return box;
  }
  const show = h('button', { type: 'button', class: 'link', 'data-testid': 'stamp-preview-show' }, t('stampPreviewShow'));
  show.addEventListener('click', () => {
    show.remove();
    start();
  });
  box.append(show);
  return box;
}
