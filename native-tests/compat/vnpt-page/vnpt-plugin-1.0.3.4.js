/*
 * kyso-agent test fixture — NOT VNPT's file. Re-implements what the later VNPT-CA Plugin page scripts (1.0.1.x to
 * 1.0.3.4) have beyond vnpt-plugin-common.js (load that first): VerifyPdf, the language names, the PdfSigner whose
 * fields all default to null, and the downgrade of PdfSigner to PdfSigner_oldVersion that signPdf sends when the
 * user agent says Mac (old plugins there read only the old fields). See README.md for why VNPT's file is not vendored.
 */
/* eslint-disable */
var VNPT_SCRIPT_VERSION = '1.0.3.4';
functionId.ViewValidFile = 39;
functionId.VerifyPdf = 42;
functionId.VerifyPdfAdvanced = 43;

var VNPT_PLUGIN_LANGUAGE = { EN: 'en_US', VI: 'vi_vn', LAO: 'la_lao' };

function getOsName() {
  var ua = window.navigator.userAgent;
  if (ua.indexOf('Windows NT 10.0') != -1) return 'Windows 10';
  if (ua.indexOf('Mac') != -1) return 'MAC';
  if (ua.indexOf('Linux') != -1) return 'Linux';
  return 'Unknown';
}

function PdfSigner() {
  var names = ['page', 'llx', 'lly', 'urx', 'ury', 'SigTextSize', 'Signer', 'SignerPosition', 'SigningTime', 'Description',
    'ImageBase64', 'OnlyDescription', 'ValidationOption', 'SigColorRGB', 'SetImageBackground', 'PagesArray',
    'CertificateSerial', 'TsaUrl', 'TsaUsername', 'TsaPassword', 'SigType', 'IsEncyptFile', 'EncryptPassword',
    'SigVisible', 'SigSignerVisible', 'SigEmailVisible', 'SigPositionVisible', 'SigCompanyVisible',
    'SigSigningTimeVisible', 'DocumentNumber', 'DocumentNumberRec', 'DocumentNumberPage', 'DocumentDate',
    'DocumentDateRec', 'DocumentDatePage', 'listComment', 'sigUpperCase', 'sigBold', 'labelDescription',
    'overideSigInfo', 'overideSigFormat', 'overideSigCoordinate', 'commentItalic', 'commentFontSize',
    'docNumberItalic', 'docDateItalic', 'sigAllPages', 'sigCombineCNAndOU', 'sigOULabel', 'textAlignBottom',
    'DigestAlgorithm'];
  for (var i = 0; i < names.length; i++) this[names[i]] = null;
  this.AdvancedCustom = false;
}

// The old shape: fixed defaults, and the image field spelt "ImageBase6" as in VNPT's script.
function PdfSigner_oldVersion() {
  this.page = 1; this.llx = 0; this.lly = 0; this.urx = 150; this.ury = 75; this.SigTextSize = 9;
  this.Signer = null; this.SignerPosition = null; this.SigningTime = null; this.Description = null; this.ImageBase6 = null;
  this.OnlyDescription = false; this.ValidationOption = true; this.SigColorRGB = null; this.SetImageBackground = false;
  this.PagesArray = null; this.CertificateSerial = null; this.TsaUrl = null; this.TsaUsername = null; this.TsaPassword = null;
  this.AdvancedCustom = false; this.SigType = 0; this.IsEncyptFile = false; this.EncryptPassword = null;
  this.SigVisible = true; this.SigSignerVisible = true; this.SigEmailVisible = true; this.SigPositionVisible = false;
  this.SigSigningTimeVisible = true;
}

function orDefault(v, d) { return v === null || v === undefined ? d : v; }

function downgradePdfSignerOption(n) {
  var o = new PdfSigner_oldVersion();
  o.page = n.page ? n.page : 1; o.llx = n.llx ? n.llx : 0; o.lly = n.lly ? n.lly : 0;
  o.urx = n.urx ? n.urx : 150; o.ury = n.ury ? n.ury : 75; o.SigTextSize = n.SigTextSize ? n.SigTextSize : 9;
  o.Signer = n.Signer; o.SignerPosition = n.SignerPosition; o.SigningTime = n.SigningTime; o.Description = n.Description;
  // The downgrade writes ImageBase64 beside the old object's ImageBase6.
  o.ImageBase64 = n.ImageBase64;
  o.OnlyDescription = orDefault(n.OnlyDescription, false); o.ValidationOption = orDefault(n.ValidationOption, false);
  o.SigColorRGB = n.SigColorRGB; o.SetImageBackground = orDefault(n.SetImageBackground, false); o.PagesArray = n.PagesArray;
  o.CertificateSerial = n.CertificateSerial; o.TsaUrl = n.TsaUrl; o.TsaUsername = n.TsaUsername; o.TsaPassword = n.TsaPassword;
  o.AdvancedCustom = orDefault(n.AdvancedCustom, false); o.SigType = n.SigType ? n.SigType : 0;
  o.IsEncyptFile = orDefault(n.IsEncyptFile, false); o.EncryptPassword = n.EncryptPassword;
  o.SigVisible = orDefault(n.SigVisible, true); o.SigSignerVisible = orDefault(n.SigSignerVisible, true);
  o.SigEmailVisible = orDefault(n.SigEmailVisible, true); o.SigPositionVisible = orDefault(n.SigPositionVisible, false);
  o.SigSigningTimeVisible = orDefault(n.SigSigningTimeVisible, true);
  return o;
}

vnpt_plugin.getOsName = function () { return getOsName(); };
vnpt_plugin.signPdf = function (data, funcCallback, pdfSigner) {
  if (!pdfSigner) return this.call(functionId.SignPDF, funcCallback, [data]);
  var sent = this.getOsName() === 'MAC' ? downgradePdfSignerOption(pdfSigner) : pdfSigner;
  return this.call(functionId.SignPDF, funcCallback, [data, JSON.stringify(sent)]);
};
vnpt_plugin.VerifyPdf = function (data, iCheckOcsp, funcCallback) {
  return this.call(functionId.VerifyPdf, funcCallback, [data, iCheckOcsp !== null && iCheckOcsp !== undefined && iCheckOcsp ? '1' : '0']);
};
