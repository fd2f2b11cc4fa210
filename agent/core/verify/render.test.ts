// The report in words: Vietnamese by default, English on request, Vietnam time, every fact on its own row.
import { describe, expect, it } from 'vitest';
import { VALID_FACTS } from '../testing/verify-facts.js';
import type { VerificationReport } from './report.js';
import { renderReport, reportText, vnTime } from './render.js';
import { decideDocument, withVerdict } from './verdict.js';

function report(change: (r: VerificationReport) => void = () => undefined): VerificationReport {
  const signatures = [withVerdict(structuredClone(VALID_FACTS))];
  const r: VerificationReport = { format: 'pdf', fileName: 'hợp-đồng.pdf', size: 1234567, sha256: 'cd'.repeat(32), verifiedAt: '2026-12-03T13:00:00.000Z', ...decideDocument(signatures), changedAfterLastSignature: false, signatures };
  change(r);
  return r;
}

describe('renderReport', () => {
  it('vnTime_isUtcPlus7', () => expect(vnTime('2026-12-31T17:30:05Z')).toBe('01/01/2027 00:30:05'));

  it('vietnamese_byDefaultWords', () => {
    const t = reportText(report(), 'vi');
    expect(t).toMatch(/^Kết quả: HỢP LỆ — Chữ ký còn nguyên vẹn/);
    for (const s of ['Người ký:', 'NGUYỄN VĂN AN', 'Tổ chức:', 'Mã số thuế:', '0101234567', 'CCCD/CMND:', '001099012345', 'theo dấu thời gian (KYSO TEST TSA)', '04/03/2026 12:06:07 (giờ Việt Nam)', 'Nguyên vẹn', 'KYSO TEST ROOT (gốc tin cậy)', 'Trạng thái khi ký:', 'Trạng thái hiện nay:', 'PAdES-B-LT', '1.234.567 byte']) {
      expect(t).toContain(s);
    }
  });

  it('english_onRequest', () => {
    const t = reportText(report(), 'en');
    expect(t).toMatch(/^Result: VALID/);
    expect(t).toContain('Status at signing:');
    expect(t).not.toContain('Người ký');
  });

  it('changesAfterSignature_andNotice', () => {
    const r = report((x) => {
      x.signatures[0]!.integrity.changesAfter = [{ revision: 3, kind: 'validationData', objects: 4 }, { revision: 4, kind: 'other', objects: 2 }];
      x.changedAfterLastSignature = true;
    });
    const v = renderReport(r, 'vi');
    expect(v.notice).toContain('nội dung được thêm sau chữ ký cuối cùng');
    const coverage = v.signatures[0]!.rows.find((row) => row.label === 'Phạm vi')!;
    expect(coverage).toMatchObject({ tone: 'warn', value: expect.stringContaining('bản 4: NỘI DUNG KHÁC') });
  });

  it('statusWords_revokedUnknownOffline', () => {
    const r = report((x) => {
      const s = x.signatures[0]!;
      s.statusAtSigning = { status: 'unknown', source: 'none', at: null, revokedAt: null, revocationReason: null, detail: null };
      s.statusNow = { status: 'revoked', source: 'crl', at: null, revokedAt: '2026-06-01T00:00:00Z', revocationReason: 'certificateHold', detail: null };
    });
    const t = reportText(r, 'vi');
    expect(t).toContain('Không có dữ liệu thu hồi kèm theo tài liệu');
    expect(t).toContain('ĐÃ BỊ THU HỒI từ 01/06/2026 07:00:00 (giờ Việt Nam), lý do: tạm dừng — CRL');
    const off = report((x) => void (x.signatures[0]!.statusNow = { ...x.signatures[0]!.statusNow, status: 'notChecked' }));
    expect(reportText(off, 'vi')).toContain('Không kiểm tra được (không dùng mạng)');
  });
});
