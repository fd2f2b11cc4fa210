// The verification report in words (Vietnamese first, English with lang "en"): sections of label/value rows that
// the CLI prints as text and the "Kiểm tra chữ ký" page draws. The one place these words live (docs/trust.md).
import type { Lang } from '../ports.js';
import type { RevocationReason } from '../status/port.js';
import type { PdfChange, SignatureResult, StatusFacts, Validity, Verdict, VerdictReason, VerificationReport } from './report.js';

export type Tone = 'ok' | 'bad' | 'warn' | 'info';

export interface ReportRow {
  label: string;
  value: string;
  tone: Tone;
}

export interface ReportSection {
  title: string;
  verdict: Verdict;
  /** One sentence: the verdict word and its reason. */
  conclusion: string;
  rows: ReportRow[];
}

export interface RenderedReport {
  lang: Lang;
  verdict: Verdict;
  /** "HỢP LỆ", "KHÔNG HỢP LỆ", "KHÔNG XÁC ĐỊNH ĐƯỢC". */
  verdictWord: string;
  /** The reason in one plain sentence. */
  reasonText: string;
  /** File facts: name, format, size, SHA-256, time of the check. */
  rows: ReportRow[];
  /** A warning about the document as a whole (content added after the last signature), or null. */
  notice: string | null;
  signatures: ReportSection[];
}

type Words = readonly [vi: string, en: string];

const VERDICT: Record<Verdict, Words> = {
  valid: ['HỢP LỆ', 'VALID'],
  invalid: ['KHÔNG HỢP LỆ', 'NOT VALID'],
  indeterminate: ['KHÔNG XÁC ĐỊNH ĐƯỢC', 'CANNOT BE DETERMINED'],
};

export const REASON_TEXT: Record<VerdictReason, Words> = {
  OK: ['Chữ ký còn nguyên vẹn, chứng thư số được tin cậy và còn hiệu lực khi ký.', 'The signature is intact, the certificate is trusted and was valid when it signed.'],
  NO_SIGNATURE: ['Tài liệu không có chữ ký số.', 'The document has no digital signature.'],
  MODIFIED: ['Nội dung đã bị thay đổi sau khi ký.', 'The content was changed after it was signed.'],
  SIGNATURE_BROKEN: ['Chữ ký bị hỏng hoặc không khớp với chứng thư số.', 'The signature is damaged or does not match the certificate.'],
  CONTENT_MISSING: ['Chữ ký tách rời: cần tệp nội dung đã ký để kiểm tra.', 'Detached signature: the signed content is needed to check it.'],
  TIMESTAMP_INVALID: ['Dấu thời gian của chữ ký không hợp lệ.', 'The signature timestamp is not valid.'],
  REVOKED_BEFORE_SIGNING: ['Chứng thư số đã bị thu hồi hoặc tạm dừng trước thời điểm ký.', 'The certificate was revoked or suspended before the signing time.'],
  EXPIRED_AT_SIGNING: ['Chứng thư số đã hết hạn tại thời điểm ký.', 'The certificate had expired at the signing time.'],
  NOT_YET_VALID_AT_SIGNING: ['Chứng thư số chưa có hiệu lực tại thời điểm ký.', 'The certificate was not yet valid at the signing time.'],
  UNTRUSTED: ['Không tìm thấy đường tin cậy tới chứng thư gốc được công nhận (NEAC hoặc danh sách tin cậy).', 'No trust path to a recognised root certificate (NEAC or the trust list).'],
  REVOKED_NO_PROOF_OF_TIME: ['Chứng thư số đã bị thu hồi và không có dấu thời gian chứng minh chữ ký được tạo trước đó.', 'The certificate is revoked and no timestamp proves the signature was made before that.'],
  EXPIRED_NO_PROOF_OF_TIME: ['Chứng thư số đã hết hạn và không có dấu thời gian chứng minh chữ ký được tạo khi còn hiệu lực.', 'The certificate has expired and no timestamp proves the signature was made while it was valid.'],
  STATUS_UNKNOWN: ['Không kiểm tra được chứng thư số có bị thu hồi hay không (tài liệu không kèm dữ liệu thu hồi và không hỏi được máy chủ OCSP/CRL).', 'Whether the certificate is revoked could not be checked (no revocation data in the document and no OCSP/CRL answer).'],
};

const REVOCATION: Record<RevocationReason, Words> = {
  unspecified: ['không nêu lý do', 'unspecified'],
  keyCompromise: ['lộ khóa bí mật', 'key compromise'],
  cACompromise: ['CA bị lộ khóa', 'CA compromise'],
  affiliationChanged: ['thay đổi thông tin', 'affiliation changed'],
  superseded: ['đã được thay thế', 'superseded'],
  cessationOfOperation: ['ngừng hoạt động', 'cessation of operation'],
  certificateHold: ['tạm dừng', 'suspended (certificateHold)'],
  removeFromCRL: ['gỡ khỏi CRL', 'removed from CRL'],
  privilegeWithdrawn: ['bị rút quyền', 'privilege withdrawn'],
  aACompromise: ['AA bị lộ khóa', 'AA compromise'],
};

const L = {
  file: ['Tệp', 'File'], format: ['Định dạng', 'Format'], size: ['Kích thước', 'Size'], checkedAt: ['Kiểm tra lúc', 'Checked at'],
  result: ['Kết quả', 'Result'], signature: ['Chữ ký', 'Signature'], docTimestamp: ['Dấu thời gian tài liệu', 'Document timestamp'],
  signer: ['Người ký', 'Signer'], organization: ['Tổ chức', 'Organisation'], taxCode: ['Mã số thuế', 'Tax code'],
  citizenId: ['CCCD/CMND', 'Citizen ID'], passport: ['Hộ chiếu', 'Passport'], budgetCode: ['Mã quan hệ ngân sách', 'Budget code'],
  issuer: ['Cấp bởi', 'Issued by'], signingTime: ['Thời điểm ký', 'Signing time'], integrity: ['Toàn vẹn', 'Integrity'],
  coverage: ['Phạm vi', 'Coverage'], trust: ['Đường tin cậy', 'Trust path'], validity: ['Hiệu lực chứng thư', 'Certificate validity'],
  statusAtSigning: ['Trạng thái khi ký', 'Status at signing'], statusNow: ['Trạng thái hiện nay', 'Status now'], level: ['Định dạng chữ ký', 'Signature format'],
  conclusion: ['Kết luận', 'Conclusion'],
} as const satisfies Record<string, Words>;

/** 1234567 → `1.234.567` (Vietnamese grouping, independent of the runtime's locale data). */
const groupDigits = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

/** `dd/MM/yyyy HH:mm:ss` in Vietnam time (UTC+7, no daylight saving), the same in both languages. */
export function vnTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export function renderReport(r: VerificationReport, lang: Lang): RenderedReport {
  const w = (x: Words): string => (lang === 'en' ? x[1] : x[0]);
  const tz = w(['(giờ Việt Nam)', '(UTC+7)']);
  const when = (iso: string) => `${vnTime(iso)} ${tz}`;
  const row = (label: Words, value: string, tone: Tone = 'info'): ReportRow => ({ label: w(label), value, tone });

  const rows = [
    row(L.file, r.fileName ?? w(['(không tên)', '(no name)'])),
    row(L.format, r.format.toUpperCase()),
    row(L.size, `${groupDigits(r.size)} byte · SHA-256 ${r.sha256}`),
    row(L.checkedAt, when(r.verifiedAt)),
  ];

  const status = (s: StatusFacts, atSigning: boolean): ReportRow => {
    const label = atSigning ? L.statusAtSigning : L.statusNow;
    const src = s.source === 'ocsp' ? 'OCSP' : s.source === 'crl' ? 'CRL' : '';
    if (s.status === 'good') return row(label, `${w(['Tốt (chưa bị thu hồi)', 'Good (not revoked)'])}${src ? ` — ${src}${s.at ? ` ${vnTime(s.at)}` : ''}` : ''}`, 'ok');
    if (s.status === 'revoked') {
      const why = s.revocationReason ? `, ${w(['lý do', 'reason'])}: ${w(REVOCATION[s.revocationReason])}` : '';
      return row(label, `${w(['ĐÃ BỊ THU HỒI', 'REVOKED'])}${s.revokedAt ? ` ${w(['từ', 'since'])} ${when(s.revokedAt)}` : ''}${why}${src ? ` — ${src}` : ''}`, 'bad');
    }
    if (s.status === 'notChecked') return row(label, w(['Không kiểm tra được (không dùng mạng)', 'Not checked (offline)']), 'warn');
    return row(label, atSigning
      ? w(['Không có dữ liệu thu hồi kèm theo tài liệu', 'No revocation data in the document'])
      : w(['Không kiểm tra được', 'Could not be checked']), 'warn');
  };

  const validityWord = (v: Validity | null): string =>
    v === null ? w(['không rõ', 'unknown']) : v === 'valid' ? w(['còn hiệu lực', 'valid']) : v === 'expired' ? w(['đã hết hạn', 'expired']) : w(['chưa có hiệu lực', 'not yet valid']);

  const change = (c: PdfChange): string => {
    const kind: Record<PdfChange['kind'], Words> = {
      signature: ['chữ ký khác', 'another signature'],
      documentTimestamp: ['dấu thời gian tài liệu', 'document timestamp'],
      validationData: ['dữ liệu kiểm tra dài hạn (DSS)', 'long-term validation data (DSS)'],
      other: ['NỘI DUNG KHÁC', 'OTHER CONTENT'],
    };
    return `${w(['bản', 'rev.'])} ${c.revision}: ${w(kind[c.kind])}`;
  };

  const signature = (s: SignatureResult, i: number): ReportSection => {
    const out: ReportRow[] = [];
    const sg = s.signer;
    if (sg) {
      out.push(row(L.signer, sg.commonName ?? '?'));
      if (sg.organization) out.push(row(L.organization, sg.organization));
      for (const k of ['taxCode', 'citizenId', 'passport', 'budgetCode'] as const) if (sg.identifiers[k]) out.push(row(L[k], sg.identifiers[k]!));
      if (sg.issuer) out.push(row(L.issuer, sg.issuer));
    } else {
      out.push(row(L.signer, w(['không tìm thấy chứng thư của người ký', 'signer certificate not found']), 'bad'));
    }
    const t = s.signingTime;
    let time = w(['không ghi thời điểm', 'no time given']);
    if (t.time && t.source === 'timestamp') time = `${when(t.time)} — ${w(['theo dấu thời gian', 'from the timestamp'])}${t.tsa ? ` (${t.tsa})` : ''}`;
    else if (t.time) time = `${when(t.time)} — ${w(['do người ký tự ghi, không có dấu thời gian', 'claimed by the signer, no timestamp'])}`;
    out.push(row(L.signingTime, time, t.source === 'timestamp' ? 'ok' : 'warn'));
    if (s.timestamp && !s.timestamp.valid) out.push(row(['Dấu thời gian', 'Timestamp'], w(['KHÔNG HỢP LỆ', 'NOT VALID']), 'bad'));
    const g = s.integrity;
    out.push(g.intact
      ? row(L.integrity, w(['Nguyên vẹn — nội dung đã ký không bị thay đổi', 'Intact — the signed content is unchanged']), 'ok')
      : row(L.integrity, g.failure === 'modified' ? w(['ĐÃ BỊ THAY ĐỔI sau khi ký', 'CHANGED after signing'])
        : g.failure === 'contentMissing' ? w(['Thiếu nội dung đã ký (chữ ký tách rời)', 'Signed content missing (detached signature)'])
          : w(['CHỮ KÝ BỊ HỎNG', 'SIGNATURE BROKEN']), 'bad'));
    if (g.intact && r.format === 'pdf') {
      const others = g.changesAfter.filter((c) => c.kind === 'other');
      const value = g.changesAfter.length === 0
        ? w(['Chữ ký bao phủ toàn bộ tệp (không có thay đổi sau khi ký)', 'The signature covers the whole file (nothing changed after signing)'])
        : `${w(['Sau khi ký có', 'Updated after signing:'])} ${g.changesAfter.length} ${w(['lần cập nhật', 'time(s)'])}: ${g.changesAfter.map(change).join('; ')}`;
      out.push(row(L.coverage, value, others.length ? 'warn' : 'ok'));
    } else if (g.intact && !g.coversWholeDocument) {
      out.push(row(L.coverage, w(['Chữ ký chỉ bao phủ một phần tài liệu', 'The signature covers only part of the document']), 'info'));
    }
    const tr = s.trust;
    const path = tr.path.join(' → ');
    out.push(tr.anchored
      ? row(L.trust, `${path} ${w(['(gốc tin cậy)', '(trusted root)'])}`, 'ok')
      : row(L.trust, `${w(['KHÔNG tới được chứng thư gốc tin cậy', 'does NOT reach a trusted root'])}${path ? `: ${path}` : ''}`, s.kind === 'signature' ? 'bad' : 'warn'));
    if (sg) {
      const bad = s.validity.atSigning !== null && s.validity.atSigning !== 'valid';
      out.push(row(L.validity, `${vnTime(sg.notBefore).slice(0, 10)} – ${vnTime(sg.notAfter).slice(0, 10)}; ${w(['khi ký', 'at signing'])}: ${validityWord(s.validity.atSigning)}; ${w(['hiện nay', 'now'])}: ${validityWord(s.validity.now)}`, bad ? 'bad' : s.validity.now === 'valid' ? 'ok' : 'warn'));
    }
    if (s.kind === 'signature') out.push(status(s.statusAtSigning, true), status(s.statusNow, false));
    out.push(row(L.level, s.levelName));
    const title = `${w(s.kind === 'signature' ? L.signature : L.docTimestamp)} ${i + 1} (${s.id})`;
    return { title, verdict: s.verdict, conclusion: `${w(VERDICT[s.verdict])} — ${w(REASON_TEXT[s.reason])}`, rows: out };
  };

  return {
    lang,
    verdict: r.verdict,
    verdictWord: w(VERDICT[r.verdict]),
    reasonText: w(REASON_TEXT[r.reason]),
    rows,
    notice: r.changedAfterLastSignature
      ? w(['Lưu ý: tài liệu có nội dung được thêm sau chữ ký cuối cùng; phần đó không được chữ ký nào bảo đảm.', 'Note: content was added after the last signature; no signature vouches for it.'])
      : null,
    signatures: r.signatures.map(signature),
  };
}

/** Plain text for a terminal. */
export function reportText(r: VerificationReport, lang: Lang): string {
  const x = renderReport(r, lang);
  const width = Math.max(...[...x.rows, ...x.signatures.flatMap((s) => s.rows)].map((row) => row.label.length));
  const line = (row: ReportRow, indent: string) => `${indent}${`${row.label}:`.padEnd(width + 2)}${row.value}`;
  const out = [`${lang === 'en' ? 'Result' : 'Kết quả'}: ${x.verdictWord} — ${x.reasonText}`, ...x.rows.map((row) => line(row, '  '))];
  if (x.notice) out.push(`  ${x.notice}`);
  for (const s of x.signatures) {
    out.push('', `${s.title}: ${s.conclusion}`, ...s.rows.map((row) => line(row, '  ')));
  }
  return out.join('\n');
}
