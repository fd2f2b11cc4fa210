// What `doctor` tells a person to do next: the top failures in words (vi first, en second) with the command or
// policy line that fixes each, and a per-vendor summary of the driver catalog. Pure: computed from the report.
import type { ModuleReport, Token } from '../core/index.js';

export interface Advice {
  /** Stable code, documented in docs/admin.md ("doctor --json"). */
  code:
    | 'POLICY_BROKEN' | 'POLICY_WARNINGS' | 'NO_DRIVER' | 'DRIVER_32BIT' | 'DRIVER_REFUSED' | 'DRIVER_FAILED'
    | 'NO_TOKEN' | 'TOKEN_LOCKED' | 'TOKEN_FINAL_TRY' | 'NO_VALID_CERTIFICATE' | 'MODULE_NOT_IN_CATALOG' | 'CA_NOT_TRUSTED';
  vi: string;
  en: string;
  /** A command to run or a policy fragment to add, when there is one. */
  fix?: string;
}

export interface VendorSummary {
  vendor: string;
  /** Module files of this vendor found on this machine, loaded, and tokens they see. */
  found: number;
  loaded: number;
  tokens: number;
}

export interface AdviceInput {
  policy: { source: 'file' | 'default' | 'safest'; problems: string[]; warnings: string[] };
  modules: ModuleReport[];
  tokens: Token[];
  certificates: Array<{ status: string; hasPrivateKey: boolean }>;
  ca: { caSha256: string | null; stores: Array<{ status: string }> };
}

/** 32-bit (or other-architecture) libraries, as the loaders of Linux, Windows and macOS word it. */
const WRONG_ARCH = /wrong ELF class|ELFCLASS32|not a valid Win32 application|error 193|incompatible architecture|wrong architecture/i;

export function vendorSummary(displayNames: readonly string[], modules: readonly ModuleReport[], tokens: readonly Token[]): VendorSummary[] {
  return displayNames.map((vendor) => {
    const mine = modules.filter((m) => m.source === 'catalog' && m.name === vendor);
    return {
      vendor,
      found: mine.filter((m) => m.status !== 'notFound').length,
      loaded: mine.filter((m) => m.status === 'loaded').length,
      tokens: tokens.filter((t) => t.moduleName === vendor).length,
    };
  });
}

export function doctorAdvice(r: AdviceInput): Advice[] {
  const out: Advice[] = [];
  if (r.policy.source === 'safest') {
    out.push({
      code: 'POLICY_BROKEN',
      vi: `Tệp chính sách lỗi (${r.policy.problems.length} lỗi): agent đang chạy với thiết lập an toàn nhất.`,
      en: `The policy file is broken (${r.policy.problems.length} problems): the agent runs with the safest settings.`,
      fix: 'kyso-agent policy check <file>',
    });
  } else if (r.policy.warnings.length > 0) {
    out.push({ code: 'POLICY_WARNINGS', vi: `Chính sách có thiết lập lạ bị bỏ qua: ${r.policy.warnings.join('; ')}`, en: `The policy has unknown settings, ignored: ${r.policy.warnings.join('; ')}` });
  }
  const loaded = r.modules.filter((m) => m.status === 'loaded');
  const wrongArch = r.modules.filter((m) => m.status === 'failed' && WRONG_ARCH.test(m.reason ?? ''));
  for (const m of wrongArch) {
    out.push({
      code: 'DRIVER_32BIT',
      vi: `Driver ${m.name} là bản 32-bit (hoặc khác kiến trúc) trên hệ điều hành 64-bit nên không nạp được.`,
      en: `The ${m.name} driver is a 32-bit (or other-architecture) library on a 64-bit system and cannot be loaded.`,
      fix: `Cài bản 64-bit của driver ${m.name} từ nhà cung cấp / install the 64-bit ${m.name} driver from the vendor`,
    });
  }
  for (const m of r.modules.filter((x) => x.status === 'refused' && !/^same library as/.test(x.reason ?? ''))) {
    out.push({
      code: 'DRIVER_REFUSED',
      vi: `Không nạp ${m.path}: ${m.reason ?? 'không an toàn'} — một chương trình khác có thể đã sửa tệp này.`,
      en: `Refused to load ${m.path}: ${m.reason ?? 'unsafe'} — another program could have changed this file.`,
      fix: `sudo chown root:root '${m.path}' && sudo chmod 755 '${m.path}'`,
    });
  }
  for (const m of r.modules.filter((x) => x.status === 'failed' && !wrongArch.includes(x))) {
    out.push({ code: 'DRIVER_FAILED', vi: `Driver ${m.name} không khởi động được: ${m.reason ?? ''}`, en: `The ${m.name} driver failed: ${m.reason ?? ''}` });
  }
  if (loaded.length === 0 && wrongArch.length === 0) {
    out.push({
      code: 'NO_DRIVER',
      vi: 'Không tìm thấy driver (thư viện PKCS#11) của USB token nào. Cài driver của nhà cung cấp chứng thư số (VNPT-CA, Viettel-CA, …).',
      en: 'No USB token driver (PKCS#11 library) was found. Install your CA\'s driver (VNPT-CA, Viettel-CA, …).',
      fix: 'policy: "modules": [{ "name": "<vendor>", "path": "/absolute/path/to/pkcs11-library" }]',
    });
  } else if (loaded.length > 0 && r.tokens.length === 0) {
    out.push({ code: 'NO_TOKEN', vi: 'Đã có driver nhưng chưa thấy USB token: hãy cắm token (thử cổng USB khác).', en: 'Drivers are loaded but no USB token is present: plug it in (try another USB port).' });
  }
  for (const t of r.tokens) {
    if (t.pinStatus === 'locked') {
      out.push({ code: 'TOKEN_LOCKED', vi: `Token "${t.label}" đã bị khoá PIN: liên hệ nhà cung cấp chứng thư số để mở khoá.`, en: `Token "${t.label}" has its PIN locked: ask your CA to unlock it.` });
    } else if (t.pinStatus === 'finalTry') {
      out.push({ code: 'TOKEN_FINAL_TRY', vi: `Token "${t.label}" chỉ còn một lần nhập PIN: nhập sai lần nữa token sẽ bị khoá.`, en: `Token "${t.label}" has one PIN try left: one more wrong PIN locks it.` });
    }
  }
  if (r.tokens.length > 0 && !r.certificates.some((c) => c.status === 'valid' && c.hasPrivateKey)) {
    out.push({ code: 'NO_VALID_CERTIFICATE', vi: 'Token không có chứng thư số còn hạn kèm khoá: gia hạn chứng thư với nhà cung cấp.', en: 'No token holds a valid certificate with its key: renew the certificate with your CA.' });
  }
  for (const m of loaded.filter((x) => x.source === 'p11-kit' || x.source === 'env')) {
    if (!r.tokens.some((t) => t.moduleName === m.name || t.moduleName === m.libraryDescription)) continue;
    out.push({
      code: 'MODULE_NOT_IN_CATALOG',
      vi: `Token dùng driver ngoài danh mục (${m.path}). Để mọi máy đều dùng được, thêm vào chính sách:`,
      en: `A token uses a driver outside the catalog (${m.path}). To make it work on every machine, add to the policy:`,
      fix: JSON.stringify({ modules: [{ name: m.name, path: m.path }] }),
    });
  }
  if (r.ca.caSha256 === null || r.ca.stores.some((s) => s.status === 'absent' || s.status === 'stale')) {
    out.push({
      code: 'CA_NOT_TRUSTED',
      vi: 'Trình duyệt chưa tin cậy kết nối tới kyso-agent (CA cục bộ chưa cài hoặc đã cũ).',
      en: 'Browsers do not trust their connection to kyso-agent yet (the local CA is missing or old).',
      fix: 'kyso-agent ca install',
    });
  }
  return out;
}
