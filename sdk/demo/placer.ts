// The "place the signature" dialog: renders a PDF page with pdf.js and lets the user draw a rectangle.
import * as pdfjs from 'pdfjs-dist';
import { t } from './i18n.js';

pdfjs.GlobalWorkerOptions.workerSrc = '/demo/dist/pdf.worker.min.mjs';

/** Where to put the visible signature: 1-based page and [x, y, w, h] in PDF points from the lower-left corner. */
export interface Placement {
  page: number;
  rect: [number, number, number, number];
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Opens the dialog on the PDF; resolves the placement, or null when the user cancels. */
export async function placeSignature(pdf: Uint8Array): Promise<Placement | null> {
  // pdf.js transfers the buffer to its worker: give it a copy.
  const doc = await pdfjs.getDocument({ data: pdf.slice(), isEvalSupported: false }).promise;
  const modal = $('placer');
  const canvas = $<HTMLCanvasElement>('page-canvas');
  const box = $('rect');
  const apply = $<HTMLButtonElement>('apply');
  let pageNo = 1;
  let viewport: pdfjs.PageViewport | null = null;
  let drawn: { x: number; y: number; w: number; h: number } | null = null;

  async function render(): Promise<void> {
    const page = await doc.getPage(pageNo);
    const base = page.getViewport({ scale: 1 });
    const scale = Math.min(1.5, 760 / base.width, (window.innerHeight * 0.7) / base.height);
    viewport = page.getViewport({ scale });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    await page.render({ canvas, viewport }).promise;
    $('page-no').textContent = `${t('page')} ${pageNo}/${doc.numPages}`;
    drawn = null;
    box.hidden = true;
    apply.disabled = true;
  }

  let start: { x: number; y: number } | null = null;
  const point = (e: MouseEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: Math.max(0, Math.min(r.width, e.clientX - r.left)), y: Math.max(0, Math.min(r.height, e.clientY - r.top)) };
  };
  const show = () => {
    if (!drawn) return;
    Object.assign(box.style, { left: `${drawn.x}px`, top: `${drawn.y}px`, width: `${drawn.w}px`, height: `${drawn.h}px` });
    box.hidden = false;
  };
  canvas.onmousedown = (e) => {
    start = point(e);
    drawn = { ...start, w: 0, h: 0 };
  };
  canvas.onmousemove = (e) => {
    if (!start) return;
    const p = point(e);
    drawn = { x: Math.min(start.x, p.x), y: Math.min(start.y, p.y), w: Math.abs(p.x - start.x), h: Math.abs(p.y - start.y) };
    show();
  };
  window.onmouseup = () => {
    if (!start) return;
    start = null;
    apply.disabled = !drawn || drawn.w < 8 || drawn.h < 8;
  };
  $('prev').onclick = () => void (pageNo > 1 && (pageNo--, render()));
  $('next').onclick = () => void (pageNo < doc.numPages && (pageNo++, render()));

  modal.hidden = false;
  await render();
  try {
    return await new Promise<Placement | null>((resolve) => {
      $('cancel').onclick = () => resolve(null);
      apply.onclick = () => {
        if (!drawn || !viewport) return;
        // convertToPdfPoint handles rotation and MediaBox offsets; CSS pixels equal canvas pixels here.
        const [x1, y1] = viewport.convertToPdfPoint(drawn.x, drawn.y + drawn.h) as [number, number];
        const [x2, y2] = viewport.convertToPdfPoint(drawn.x + drawn.w, drawn.y) as [number, number];
        const round = (n: number) => Math.round(n * 100) / 100;
        resolve({ page: pageNo, rect: [round(Math.min(x1, x2)), round(Math.min(y1, y2)), round(Math.abs(x2 - x1)), round(Math.abs(y2 - y1))] });
      };
    });
  } finally {
    modal.hidden = true;
    window.onmouseup = null;
    void doc.destroy();
  }
}
