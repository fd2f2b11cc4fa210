// What a PDF signature adds that a reader sees: a scaled sketch of the page with the stamp's box, the stamp's text
// and image, reason and location, and a warning when the stamp covers much of the page or leaves it (docs/security.md
// T24), and the page(s) rendered with the stamp where the host hands the document over (stamp-preview.ts).
import type { Cert, PdfStampInfo } from '../../agent/core/types.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { facts } from './common.js';
import { LARGE_STAMP_SHARE, stampPreview } from './stamp-preview.js';

export { LARGE_STAMP_SHARE };
const SKETCH_PX = 160;

function sketch(s: Required<Pick<PdfStampInfo, 'rect' | 'pageSize'>>): HTMLElement {
  const [pw, ph] = s.pageSize;
  const scale = SKETCH_PX / Math.max(pw, ph, 1);
  const page = h('div', { class: 'stamp-page', role: 'img', 'aria-label': t('stampSketch'), 'data-testid': 'stamp-sketch' });
  // CSSOM, not a style attribute: the dialog's CSP allows no inline styles.
  page.style.width = `${Math.round(pw * scale)}px`;
  page.style.height = `${Math.round(ph * scale)}px`;
  const [x, y, w, hgt] = s.rect;
  const box = h('div', { class: 'stamp-box' });
  box.style.left = `${Math.round(x * scale)}px`;
  box.style.bottom = `${Math.round(y * scale)}px`;
  box.style.width = `${Math.max(2, Math.round(w * scale))}px`;
  box.style.height = `${Math.max(2, Math.round(hgt * scale))}px`;
  page.append(box);
  return page;
}

/** `loadDocument`: the PDF for the rendered preview (absent: the sketch only); `onDemand`: rendered on a click (batch items). */
export function stampBlock(stamp: PdfStampInfo, certificate: Cert, loadDocument?: () => Promise<ArrayBuffer | null>, onDemand = false): HTMLElement {
  const text = stamp.text !== undefined
    ? h('span', { class: 'stamp-text', 'data-testid': 'stamp-text' }, stamp.text === '' ? t('stampNoText') : `“${stamp.text}”`)
    : h('span', { 'data-testid': 'stamp-text' }, t('stampDefaultText', { name: certificate.subject.commonName }));
  const image = stamp.image === undefined ? null : stamp.image === true
    ? h('span', { 'data-testid': 'stamp-image' }, t('stampImageNoPreview'))
    : h('img', { src: stamp.image, alt: t('stampImageAlt'), class: 'stamp-image', 'data-testid': 'stamp-image' });
  const pct = stamp.coverage !== undefined ? Math.round(stamp.coverage * 100) : undefined;
  const boxes = stamp.textBoxes?.length
    ? facts([[t('stampTextBoxes'), h('ul', { 'data-testid': 'stamp-text-boxes' }, ...stamp.textBoxes.map((b) => h('li', {}, b.rect
      ? t('stampTextBoxAt', { page: b.page, x: Math.round(b.rect[0]), y: Math.round(b.rect[1]), w: Math.round(b.rect[2]), h: Math.round(b.rect[3]), text: b.text })
      : t('stampTextBoxItem', { page: b.page, text: b.text }))))]])
    : null;
  return h(
    'div',
    { class: 'stamp', 'data-testid': 'stamp' },
    h('h2', {}, t('stampTitle')),
    stamp.visible
      ? facts([
          stamp.pages !== undefined
            ? [t('stampPage'), stamp.pages === 'all' ? t('stampAllPages') : stamp.pages.join(', ')]
            : stamp.page !== undefined ? [t('stampPage'), String(stamp.page)] : null,
          [t('stampContent'), text],
          image ? [t('stampImage'), image] : null,
          stamp.rect ? [t('stampBox'), t('stampBoxValue', { x: Math.round(stamp.rect[0]), y: Math.round(stamp.rect[1]), w: Math.round(stamp.rect[2]), h: Math.round(stamp.rect[3]), pct: pct ?? '?' })] : null,
          stamp.reason !== undefined ? [t('stampReason'), stamp.reason] : null,
          stamp.location !== undefined ? [t('stampLocation'), stamp.location] : null,
        ])
      : h('p', { 'data-testid': 'stamp-invisible' }, t('stampInvisible')),
    !stamp.visible && (stamp.reason !== undefined || stamp.location !== undefined)
      ? facts([stamp.reason !== undefined ? [t('stampReason'), stamp.reason] : null, stamp.location !== undefined ? [t('stampLocation'), stamp.location] : null])
      : null,
    boxes,
    stamp.visible && stamp.rect && stamp.pageSize ? sketch({ rect: stamp.rect, pageSize: stamp.pageSize }) : null,
    stampPreview(stamp, loadDocument, stamp.text ?? t('stampDefaultText', { name: certificate.subject.commonName }), onDemand),
    stamp.coverage !== undefined && stamp.coverage > LARGE_STAMP_SHARE ? h('p', { class: 'warning', role: 'alert', 'data-testid': 'stamp-large' }, t('stampLarge', { pct: pct ?? 0 })) : null,
    stamp.offPage ? h('p', { class: 'warning', role: 'alert', 'data-testid': 'stamp-offpage' }, t('stampOffPage')) : null,
  );
}
