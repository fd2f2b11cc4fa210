// The function ids of the VNPT-CA Plugin page script (fixed numbers; docs/vnpt-compat.md lists each one's status).

/** Function ids of the plugin's page script (docs/vnpt-compat.md). Ids outside the table answer code 5. */
export const FN = {
  GetCertInfo: 0, SignXML: 1, SignPDF: 2, SignOFFICE: 3, SignCMS: 4, chooseFile: 5, setLicenseKey: 6, checkPlugin: 7,
  signArrData: 8, signHash: 9, signArrDataAdvanced: 10, getVersion: 11, SignPDFMultiplePages: 12, checkPluginAdvanced: 13,
  ValidateCertificate: 14, ValidateCertificateBase64: 15, CheckValidTime: 16, CheckValidTimeBase64: 17, CheckOCSP: 18,
  CheckOCSPBase64: 19, ShowCertificateViewer: 20, CheckCRL: 21, CheckCRLBase64: 22, SetLanguage: 23, CheckToken: 34,
  SetGetCertFromUsbToken: 35, SetGetCertByPkcs11: 36, SetShowCertListDialog: 37, GetComputerInfo: 39, ClearPinCache: 40,
  VerifyPdf: 42, GetAllCertificates: 45, GetAllCertificatesBase64: 47,
} as const;
export const NAMES = new Map<number, string>(Object.entries(FN).map(([k, v]) => [v, k]));
