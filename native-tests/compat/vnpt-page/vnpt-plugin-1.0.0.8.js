/*
 * kyso-agent test fixture — NOT VNPT's file. Re-implements what VNPT-CA Plugin page script "js version 1.0.0.8" has
 * beyond vnpt-plugin-common.js (load that first): its PdfSigner with this version's field names and defaults.
 * See README.md for why VNPT's own file is not vendored.
 */
/* eslint-disable */
var VNPT_SCRIPT_VERSION = '1.0.0.8';
function PdfSigner() {
  this.page = 1; this.llx = 0; this.lly = 0; this.urx = 150; this.ury = 75; this.SigTextSize = 9;
  this.Signer = null; this.SignerPosition = null; this.SigningTime = null; this.Description = null; this.ImageBase64 = null;
  this.OnlyDescription = false; this.ValidationOption = true; this.SigColorRGB = null; this.SetImageBackground = false;
  this.PagesArray = null; this.CertificateSerial = null; this.TsaUrl = null; this.TsaUsername = null; this.TsaPassword = null;
  this.AdvancedCustom = false; this.SigType = 0; this.IsEncyptFile = false; this.EncryptPassword = null;
  this.SigVisible = true; this.SigSignerVisible = true; this.SigEmailVisible = true; this.SigPositionVisible = false;
  this.SigSigningTimeVisible = true;
}
