import { describe, expect, it } from 'vitest';
import { describeStamp, stampGeometry } from './pdf-stamp.js';

const A4: [number, number] = [595, 842];
const desc = { size: 1, sha256Hex: '00', stampPage: { page: 1, width: 595, height: 842 } };

describe('the PDF stamp as the dialog describes it', () => {
  it('measures the share of the page covered and whether the stamp leaves the page', () => {
    expect(stampGeometry([36, 36, 220, 60], A4)).toEqual({ coverage: (220 * 60) / (595 * 842), offPage: false });
    expect(stampGeometry([0, 0, 595, 842], A4)).toEqual({ coverage: 1, offPage: false });
    expect(stampGeometry([500, 800, 200, 100], A4).offPage).toBe(true);
    expect(stampGeometry([-5000, -5000, 10, 10], A4)).toEqual({ coverage: 0, offPage: true });
  });

  it('carries text, image preview, reason, location; invisible signatures keep reason and location', () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 1, 2);
    const s = describeStamp({ pdf: new Uint8Array(), fileName: 'a.pdf', reason: 'Duyệt', location: 'Hà Nội', appearance: { text: 'AMOUNT: 1,000,000,000 VND', image: png, rect: [0, 0, 595, 842] } } as never, desc);
    expect(s).toMatchObject({ visible: true, page: 1, pageSize: [595, 842], text: 'AMOUNT: 1,000,000,000 VND', reason: 'Duyệt', location: 'Hà Nội', coverage: 1, offPage: false });
    expect(s.image).toMatch(/^data:image\/png;base64,/);
    expect(describeStamp({ pdf: new Uint8Array(), fileName: 'a.pdf', reason: 'R', appearance: { visible: false } } as never, { size: 1, sha256Hex: '00' })).toEqual({ visible: false, reason: 'R' });
    // No rect from the site: the agent's default box, small and on the page.
    expect(describeStamp({ pdf: new Uint8Array(), fileName: 'a.pdf' } as never, desc)).toMatchObject({ rect: [36, 36, 220, 60], offPage: false });
  });

  it('lists the text boxes written with the signature, invisible or not, and names the signing time field', () => {
    const textBoxes = [{ page: 2, rect: [1, 1, 50, 10], text: '12/QĐ-UBND' }, { page: 3, rect: [1, 1, 50, 10], text: 'Ký lúc {signingTime}' }];
    // Where each box goes is shown too: a box placed beside an amount changes what the page says.
    const expected = [{ page: 2, rect: [1, 1, 50, 10], text: '12/QĐ-UBND' }, { page: 3, rect: [1, 1, 50, 10], text: 'Ký lúc [ngày giờ ký / signing time]' }];
    expect(describeStamp({ pdf: new Uint8Array(), fileName: 'a.pdf', appearance: { visible: false, textBoxes } } as never, desc)).toEqual({ visible: false, textBoxes: expected });
    const s = describeStamp({ pdf: new Uint8Array(), fileName: 'a.pdf', appearance: { text: 'Ngày ký: {signingTime}', textBoxes } } as never, desc);
    expect(s).toMatchObject({ visible: true, text: 'Ngày ký: [ngày giờ ký / signing time]', textBoxes: expected });
    // A stamp on several pages says which.
    expect(describeStamp({ pdf: new Uint8Array(), fileName: 'a.pdf', appearance: { pages: [3, 1, 3] } } as never, desc).pages).toEqual([1, 3]);
    expect(describeStamp({ pdf: new Uint8Array(), fileName: 'a.pdf', appearance: { pages: 'all' } } as never, desc).pages).toBe('all');
  });
});

describe('the default stamp lines with site-given parts (T24)', () => {
  it('shows every line the agent draws when the site names the signer, organisation, position, description, number or date', () => {
    const s = describeStamp({
      pdf: new Uint8Array(), fileName: 'a.pdf', reason: 'Duyệt',
      appearance: { signerName: 'Nguyễn Văn B', organization: 'Công ty X', position: 'Giám đốc', description: 'ĐÃ DUYỆT THANH TOÁN 1 TỶ', documentNumber: '12/QĐ', documentDate: '01/12/2026' },
    } as never, desc);
    expect(s.text).toBe([
      'Ký bởi: Nguyễn Văn B', 'Đơn vị: Công ty X', 'Chức vụ: Giám đốc', 'Ngày ký: [ngày giờ ký / signing time]', 'Lý do: Duyệt',
      'ĐÃ DUYỆT THANH TOÁN 1 TỶ', 'Số: 12/QĐ', 'Ngày văn bản: 01/12/2026',
    ].join('\n'));
    // Without a site-given name the certificate's name is drawn: the dialog says so.
    expect(describeStamp({ pdf: new Uint8Array(), fileName: 'a.pdf', appearance: { description: 'Payment approved' } } as never, desc).text)
      .toBe('Ký bởi: [tên trong chứng thư số / name in the certificate]\nNgày ký: [ngày giờ ký / signing time]\nPayment approved');
    // Nothing from the site: the dialog's own default sentence, as before.
    expect(describeStamp({ pdf: new Uint8Array(), fileName: 'a.pdf', appearance: {} } as never, desc).text).toBeUndefined();
  });
});
