// Vietnamese (first) and English texts of the demo portal.
export type Lang = 'vi' | 'en';

export const TEXTS = {
  portal: ['Cổng dịch vụ công (demo)', 'Public service portal (demo)'],
  tabDossier: ['Hồ sơ', 'Dossier'],
  tabInvoice: ['Hóa đơn điện tử', 'E-invoice'],
  tabHash: ['Ký hash (máy chủ)', 'Hash for server signing'],
  dossierTitle: ['Hồ sơ: Cấp giấy phép xây dựng nhà ở riêng lẻ', 'Dossier: building permit for a private house'],
  dossierCode: ['Mã hồ sơ', 'Dossier number'],
  limit: ['Tệp đính kèm: PDF hoặc XML, dung lượng tối đa 6 MB.', 'Attachments: PDF or XML, at most 6 MB.'],
  colDoc: ['Thành phần hồ sơ', 'Document'],
  colFile: ['Tệp', 'File'],
  colSigs: ['Chữ ký', 'Signatures'],
  slotApplication: ['Đơn đề nghị cấp giấy phép (bắt buộc)', 'Application form (required)'],
  slotDrawings: ['Bản vẽ thiết kế', 'Design drawings'],
  slotData: ['Tờ khai dữ liệu (XML)', 'Data declaration (XML)'],
  noFile: ['Chưa có tệp', 'No file'],
  noSigs: ['Chưa ký', 'Not signed'],
  sign: ['Ký số', 'Sign'],
  signToken: ['Ký số Token', 'Sign with USB token'],
  signSim: ['Ký số SIM (chưa hỗ trợ)', 'SIM signing (not supported)'],
  download: ['Tải về', 'Download'],
  placeTitle: ['Chọn vị trí chữ ký', 'Place the signature'],
  placeHelp: ['Kéo chuột trên trang để vẽ khung chữ ký, sau đó bấm "Áp dụng".', 'Drag on the page to draw the signature box, then press "Apply".'],
  apply: ['Áp dụng', 'Apply'],
  cancel: ['Hủy', 'Cancel'],
  page: ['Trang', 'Page'],
  tooLarge: ['Tệp vượt quá 6 MB. Vui lòng chọn tệp nhỏ hơn.', 'The file is larger than 6 MB. Please choose a smaller file.'],
  wrongType: ['Chỉ chấp nhận tệp PDF hoặc XML.', 'Only PDF or XML files are accepted.'],
  connecting: ['Đang kết nối kyso-agent…', 'Connecting to kyso-agent…'],
  pickTitle: ['Chọn chứng thư số để ký hồ sơ', 'Choose the certificate to sign the dossier'],
  signing: ['Đang ký, vui lòng xác nhận trong cửa sổ kyso-agent…', 'Signing: please confirm in the kyso-agent window…'],
  signed: ['Đã ký số thành công.', 'Signed successfully.'],
  noToken: ['Chưa cắm USB token. Hãy cắm token ký số rồi thử lại.', 'No USB token found. Insert your signing token and try again.'],
  cancelled: ['Bạn đã hủy thao tác ký.', 'You cancelled the signing.'],
  install: ['Hướng dẫn cài đặt kyso-agent', 'How to install kyso-agent'],
  signedBy: ['Ký bởi', 'Signed by'],
  valid: ['hợp lệ', 'valid'],
  invalid: ['không hợp lệ', 'invalid'],
  invoiceTitle: ['Ký hóa đơn điện tử (Thông tư 78/2021)', 'Sign an e-invoice (Circular 78/2021)'],
  signInvoice: ['Ký hóa đơn', 'Sign invoice'],
  hashTitle: ['Ký giá trị băm cho máy chủ (PAdES phía máy chủ)', 'Sign a hash for server-side signing (server PAdES)'],
  hashHelp: ['Máy chủ tính SHA-256 của tài liệu; trình duyệt chỉ ký giá trị băm bằng token.', 'The server computes the SHA-256 of the document; the browser only signs the hash with the token.'],
  hashData: ['Dữ liệu phía máy chủ', 'Server-side data'],
  signHash: ['Ký giá trị băm', 'Sign the hash'],
  verified: ['Chữ ký đã được kiểm tra bằng khóa công khai: hợp lệ', 'Signature checked with the public key: valid'],
  notVerified: ['Chữ ký không kiểm tra được', 'Signature could not be verified'],
} satisfies Record<string, [string, string]>;

export type TextKey = keyof typeof TEXTS;

let lang: Lang = (localStorage.getItem('kyso-demo-lang') as Lang | null) ?? 'vi';

export function t(key: TextKey): string {
  return TEXTS[key][lang === 'vi' ? 0 : 1];
}
export function currentLang(): Lang {
  return lang;
}
export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem('kyso-demo-lang', l);
  document.documentElement.lang = l;
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as TextKey);
}
