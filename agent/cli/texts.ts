// The one-line summary and usage of every subcommand: what `kyso-agent --help` prints without loading any command.
import { SIGN_USAGE } from './sign-args.js';

export const UI_USAGE = 'kyso-agent ui diagnostics|settings|about [--data-dir DIR] (exit 3: agent chưa chạy / not running) | ui verify [--lang vi|en]';
export const VERIFY_USAGE = 'kyso-agent verify FILE... [--content FILE] [--trust PEMFILE]... [--json] [--lang vi|en] [--offline]';

/** Summary (Vietnamese, then English) and usage per subcommand, in --help order. */
export const COMMAND_TEXTS = {
  start: {
    summary: 'Chạy agent / Run the agent',
    usage: 'kyso-agent start [--headless] [--ui electron|browser] [--port N] [--plain-port N] [--dev] [--data-dir DIR] [--policy FILE] [--lang vi|en] [--verbose]',
  },
  doctor: {
    summary: 'Chẩn đoán / Diagnostics',
    usage: 'kyso-agent doctor [--json] [--data-dir DIR] [--policy FILE]',
  },
  'demo-token': {
    summary: 'Tạo token thử nghiệm SoftHSM2 / Create the SoftHSM2 demo token',
    usage: 'kyso-agent demo-token init [--force] [--data-dir DIR] [--json]',
  },
  ca: {
    summary: 'Quản lý CA cục bộ / Manage the local CA',
    usage: 'kyso-agent ca install|uninstall|status [--json] [--data-dir DIR] [--if-needed]',
  },
  policy: {
    summary: 'Chính sách quản trị / Admin policy: check, export browser policies',
    usage: 'kyso-agent policy check FILE | policy schema | policy export-browser --for chrome|edge|firefox [--policy FILE] [--format json|reg]',
  },
  sign: {
    summary: 'Ký hàng loạt tệp PDF/XML/CMS bằng token, một lần PIN / Batch-sign PDF/XML/CMS files with a token, one PIN',
    usage: SIGN_USAGE,
  },
  verify: {
    summary: 'Kiểm tra chữ ký PDF/XML/CMS/Office, báo cáo tiếng Việt / Verify PDF/XML/CMS/Office signatures, report in Vietnamese',
    usage: VERIFY_USAGE,
  },
  ui: {
    summary: 'Mở trang Kiểm tra hệ thống / Cài đặt / Giới thiệu của agent đang chạy, hoặc trang Kiểm tra chữ ký / Open the running agent\'s System check / Settings / About page, or the Verify a signature page',
    usage: UI_USAGE,
  },
  'browser-integration': {
    summary: 'Đăng ký cầu nối cho tiện ích trình duyệt / Register the host for the browser extension',
    // The browsers are agent/relay's BROWSERS, written out so --help loads nothing of the relay (a test compares them).
    usage: 'kyso-agent browser-integration install|uninstall|status [--browser chrome|chromium|edge|brave|firefox] [--user-data-dir DIR] [--json]',
  },
  'native-host': {
    summary: 'Cầu nối cho tiện ích trình duyệt (trình duyệt tự chạy) / Native-messaging host for the browser extension (run by the browser)',
    usage: 'kyso-agent native-host <caller origin or add-on id>',
  },
} as const satisfies Record<string, { summary: string; usage: string }>;
