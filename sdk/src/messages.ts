// What to tell the user for each error, in Vietnamese (first) and English — used by the demo, free for portals.
import { AgentUnavailableError, KysoError, PinIncorrectError } from './errors.js';

export type Lang = 'vi' | 'en';

const TEXT: Record<string, [vi: string, en: string]> = {
  notInstalled: ['Chưa tìm thấy kyso-agent trên máy này. Hãy cài đặt và khởi động kyso-agent rồi thử lại.', 'kyso-agent was not found on this computer. Install and start it, then try again.'],
  localNetworkBlocked: ['Trình duyệt đang chặn truy cập mạng cục bộ. Hãy cho phép "Truy cập mạng cục bộ" cho trang này (biểu tượng bên trái thanh địa chỉ) rồi thử lại.', 'The browser blocks local network access. Allow "Local network access" for this site (icon left of the address bar), then try again.'],
  certificateNotTrusted: ['Trình duyệt chưa tin cậy chứng thư của kyso-agent. Chạy "kyso-agent ca install" rồi khởi động lại trình duyệt.', 'The browser does not trust the kyso-agent certificate. Run "kyso-agent ca install" and restart the browser.'],
  ORIGIN_NOT_ALLOWED: ['kyso-agent không cho phép trang này sử dụng. Liên hệ quản trị viên.', 'kyso-agent does not allow this site. Contact your administrator.'],
  ACCESS_DENIED: ['Bạn đã từ chối cho trang này sử dụng token ký số.', 'You did not allow this site to use your signing tokens.'],
  USER_CANCELLED: ['Bạn đã hủy thao tác ký.', 'You cancelled the signing.'],
  USER_TIMEOUT: ['Hết thời gian chờ xác nhận. Vui lòng thử lại.', 'The confirmation timed out. Please try again.'],
  BUSY: ['Đang có một yêu cầu chờ bạn xác nhận trong cửa sổ kyso-agent.', 'A request is already waiting for you in the kyso-agent window.'],
  RATE_LIMITED: ['Quá nhiều yêu cầu. Vui lòng đợi một lát.', 'Too many requests. Please wait a moment.'],
  PAYLOAD_TOO_LARGE: ['Tệp quá lớn để ký.', 'The file is too large to sign.'],
  TOKEN_NOT_PRESENT: ['Chưa cắm USB token. Hãy cắm token rồi thử lại.', 'No USB token found. Insert your token and try again.'],
  TOKEN_REMOVED: ['USB token đã bị rút ra trong khi ký.', 'The USB token was removed while signing.'],
  CERTIFICATE_NOT_FOUND: ['Không tìm thấy chứng thư số phù hợp trên token.', 'No matching certificate was found on the token.'],
  KEY_NOT_FOUND: ['Không tìm thấy khóa bí mật của chứng thư số.', 'The certificate\'s private key was not found.'],
  PIN_INCORRECT: ['Mã PIN không đúng.', 'Incorrect PIN.'],
  PIN_INCORRECT_finalTry: ['Mã PIN không đúng. Còn một lần thử cuối cùng trước khi token bị khóa!', 'Incorrect PIN. One try left before the token locks!'],
  PIN_LOCKED: ['Token đã bị khóa PIN. Liên hệ nhà cung cấp chứng thư số để mở khóa.', 'The token\'s PIN is locked. Contact your CA to unlock it.'],
  PIN_LENGTH_INVALID: ['Độ dài mã PIN không hợp lệ.', 'The PIN length is invalid.'],
  ALGORITHM_UNSUPPORTED: ['Token không hỗ trợ thuật toán ký này.', 'The token does not support this signing algorithm.'],
  DOCUMENT_INVALID: ['Tài liệu không hợp lệ hoặc bị hỏng.', 'The document is invalid or damaged.'],
  TSA_FAILED: ['Không lấy được dấu thời gian. Vui lòng thử lại.', 'Could not get a timestamp. Please try again.'],
  UI_UNAVAILABLE: ['kyso-agent không mở được hộp thoại xác nhận trên máy này. Hãy mở kyso-agent trong phiên làm việc có màn hình rồi thử lại.', 'kyso-agent could not show its confirmation dialog on this computer. Run kyso-agent in a desktop session with a display, then try again.'],
  CERTIFICATE_REVOKED: ['Chứng thư số đã bị thu hồi hoặc tạm dừng; không thể dùng để ký.', 'The certificate is revoked or suspended; it cannot be used to sign.'],
  MODULE_ERROR: ['Trình điều khiển token báo lỗi. Thử rút và cắm lại token.', 'The token driver reported an error. Try re-inserting the token.'],
  TIMEOUT: ['kyso-agent không phản hồi kịp. Vui lòng thử lại.', 'kyso-agent did not answer in time. Please try again.'],
  CONNECTION_LOST: ['Mất kết nối với kyso-agent. Vui lòng thử lại.', 'The connection to kyso-agent was lost. Please try again.'],
};
const EXTENSION_TEXT: Record<'absent' | 'noAgent', [vi: string, en: string]> = {
  absent: [' Hoặc cài tiện ích kyso-agent cho trình duyệt: trang web sẽ ký được mà không cần quyền truy cập mạng cục bộ.', ' Or install the kyso-agent browser extension: the site can then sign without local network access.'],
  noAgent: [' Tiện ích kyso-agent đã có nhưng chưa kết nối được kyso-agent: hãy cài (lại) kyso-agent.', ' The kyso-agent extension is installed but cannot reach kyso-agent: (re)install kyso-agent.'],
};
const FALLBACK: [string, string] = ['Đã xảy ra lỗi khi ký số.', 'Something went wrong while signing.'];

/** A sentence to show the user for an error thrown by the SDK. */
export function describeError(error: unknown, lang: Lang = 'vi'): string {
  const i = lang === 'vi' ? 0 : 1;
  if (error instanceof AgentUnavailableError) {
    const extra = error.extension && error.hint !== 'certificateNotTrusted' ? EXTENSION_TEXT[error.extension][i] : '';
    return (TEXT[error.hint] ?? FALLBACK)[i] + extra;
  }
  if (error instanceof PinIncorrectError && error.pinStatus === 'finalTry') return TEXT.PIN_INCORRECT_finalTry![i];
  if (error instanceof KysoError) return (TEXT[error.reason] ?? FALLBACK)[i];
  return FALLBACK[i];
}
