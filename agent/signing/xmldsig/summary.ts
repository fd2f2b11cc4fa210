// "What you see is what you sign" for XML: the business facts of an e-invoice (form, series, number, date, seller,
// buyer, total payable) or a tax declaration (form code, period, taxpayer), else the root element and size.
// Vietnamese labels first. See docs/protocol.md (DocumentSummary).
import type { DocumentSummary, XmlSignOptions } from '../../core/ports.js';
import { descendants, elementChildren, textContent, type XDocument, type XElement } from './tree.js';

/** Longer values are cut: the dialog shows facts, not documents. */
const MAX_VALUE = 200;

const child = (el: XElement | undefined, name: string): XElement | undefined => (el ? elementChildren(el).find((e) => e.localName === name) : undefined);
const path = (el: XElement | undefined, ...names: string[]): XElement | undefined => names.reduce<XElement | undefined>((e, n) => child(e, n), el);
const first = (root: XElement, name: string): XElement | undefined => (root.localName === name ? root : descendants(root).find((e) => e.localName === name));

function value(el: XElement | undefined): string | undefined {
  if (!el) return undefined;
  const t = textContent(el).replace(/\s+/g, ' ').trim();
  if (!t) return undefined;
  return t.length > MAX_VALUE ? `${t.slice(0, MAX_VALUE - 1)}…` : t;
}

/** 1234567.5 → "1.234.567,5" (Vietnamese grouping); non-numbers as they are. */
export function vnAmount(s: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(s)) return s;
  const [int, frac] = s.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return frac ? `${grouped},${frac}` : grouped;
}

function facts(list: Array<[string, string | undefined]>): DocumentSummary['facts'] {
  return list.filter((f): f is [string, string] => f[1] !== undefined).map(([label, v]) => ({ label, value: v }));
}

function einvoice(root: XElement): DocumentSummary {
  const hdon = first(root, 'HDon') ?? root;
  const dl = child(hdon, 'DLHDon');
  const tt = child(dl, 'TTChung');
  const nd = child(dl, 'NDHDon');
  const seller = child(nd, 'NBan');
  const buyer = child(nd, 'NMua');
  const total = value(path(nd, 'TToan', 'TgTTTBSo'));
  const currency = value(child(tt, 'DVTTe')) ?? 'VND';
  const buyerName = value(child(buyer, 'Ten')) ?? value(child(buyer, 'HVTNMHang'));
  return {
    kind: 'einvoice',
    title: `${value(child(tt, 'THDon')) ?? 'Hoá đơn điện tử'} / E-invoice`,
    facts: facts([
      ['Mẫu số / Form', value(child(tt, 'KHMSHDon'))],
      ['Ký hiệu / Series', value(child(tt, 'KHHDon'))],
      ['Số hoá đơn / Number', value(child(tt, 'SHDon'))],
      ['Ngày lập / Date', value(child(tt, 'NLap'))],
      ['Người bán / Seller', value(child(seller, 'Ten'))],
      ['MST người bán / Seller tax code', value(child(seller, 'MST'))],
      ['Người mua / Buyer', buyerName],
      ['MST người mua / Buyer tax code', value(child(buyer, 'MST'))],
      ['Tổng tiền thanh toán / Total payable', total ? `${vnAmount(total)} ${currency}` : undefined],
    ]),
  };
}

function tax(root: XElement): DocumentSummary {
  const tk = first(root, 'TKhaiThue');
  const nnt = first(root, 'NNT');
  const ky = child(tk, 'KyKKhaiThue');
  const code = value(child(tk, 'maTKhai'));
  const name = value(child(tk, 'tenTKhai'));
  return {
    kind: 'tax',
    title: 'Tờ khai thuế / Tax declaration',
    facts: facts([
      ['Mẫu tờ khai / Form', name ? `${name}${code ? ` (mã ${code})` : ''}` : code],
      ['Kỳ kê khai / Period', value(child(ky, 'kyKKhai')) ?? value(child(ky, 'kyKKhaiTuNgay'))],
      ['Mã số thuế / Taxpayer tax code', value(child(nnt, 'mst'))],
      ['Người nộp thuế / Taxpayer', value(child(nnt, 'tenNNT'))],
      ['Lần nộp / Submission', value(child(tk, 'loaiTKhai')) === 'B' ? `Bổ sung lần ${value(child(tk, 'soLan')) ?? '?'} / supplement` : undefined],
    ]),
  };
}

/** The summary the confirmation shows for this XML under this profile. */
export function summarizeXml(doc: XDocument, size: number, options: XmlSignOptions): DocumentSummary {
  if (options.profile === 'einvoice') return einvoice(doc.root);
  if (options.profile === 'tax') return tax(doc.root);
  return {
    kind: 'xml',
    title: 'Tài liệu XML / XML document',
    facts: facts([['Phần tử gốc / Root element', `<${doc.root.name}>`], ['Kích thước / Size', `${vnAmount(String(size))} byte`]]),
  };
}
