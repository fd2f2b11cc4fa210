/*
 * kyso-agent test fixture — NOT VNPT's file. A minimal re-implementation, written for kyso-agent's tests, of the
 * wire behaviour shared by the VNPT-CA Plugin page scripts (versions 1.0.0.8 and 1.0.3.4): the globals functionId,
 * ports and vnpt_plugin, the function signatures, the request frames and the way results are delivered (named
 * window callback or promise). The version files beside it add each version's option objects and differences.
 * VNPT's script carries no licence that permits redistribution, so it is not vendored; see README.md.
 */
/* eslint-disable */
var functionId = {
  GetCertInfo: 0, SignXML: 1, SignPDF: 2, SignOFFICE: 3, SignCMS: 4, chooseFile: 5, setLicenseKey: 6, checkPlugin: 7,
  signArrData: 8, signHash: 9, signArrDataAdvanced: 10, getVersion: 11, SignPDFMultiplePages: 12, checkPluginAdvanced: 13,
  ValidateCertificate: 14, ValidateCertificateBase64: 15, CheckValidTime: 16, CheckValidTimeBase64: 17, CheckOCSP: 18,
  CheckOCSPBase64: 19, ShowCertificateViewer: 20, CheckCRL: 21, CheckCRLBase64: 22, SetLanguage: 23, CheckToken: 34,
  SetGetCertFromUsbToken: 35, SetGetCertByPkcs11: 36, SetShowCertListDialog: 37, ConvertOfficeToPdf: 38,
  GetComputerInfo: 39, ClearPinCache: 40, GetAllCertificates: 45, AddIssuerCert: 46, GetAllCertificatesBase64: 47
};

// The script tries these ports in order, 3 s each (it lists 9201/9202 but never reaches them).
var ports = [4433, 4434, 4435, 9201, 9202];
var currentID = 0;
var webSocket = null;
var pluginStatus = 0;
var timeOut = 3000;
var timer;

function callbackName(funcCallback) {
  return funcCallback != null ? funcCallback.name : 'callbackDefault';
}

var vnpt_plugin = {
  connect: function (port, data) {
    return new Promise(function (success, reject) {
      if (webSocket == null || pluginStatus != 1) {
        webSocket = new WebSocket('wss://localhost:' + port + '/plugin');
        timer = setTimeout(function () {
          var s = webSocket;
          webSocket = null;
          s.close();
          currentID++;
          vnpt_plugin.tryConnect(data, success, reject);
        }, timeOut);
      } else {
        webSocket.send(data);
      }
      webSocket.onopen = function () {
        pluginStatus = 1;
        clearTimeout(timer);
        webSocket.send(data);
      };
      webSocket.onclose = function () { pluginStatus = 0; };
      // One reply frame: "<result>*<callback>"; parts 0 and 1 only.
      webSocket.onmessage = function (message) {
        var resSplit = message.data.split('*');
        if (resSplit[1] === 'callbackDefault') success(resSplit[0]);
        else window[resSplit[1]](resSplit[0]);
      };
      webSocket.onerror = function () {
        pluginStatus = 0;
        if (currentID === 2) reject('-1');
      };
    });
  },
  tryConnect: function (data, success, reject) {
    if (currentID < 3) this.connect(ports[currentID], data).then(success, reject);
    else { currentID = 0; reject('-1'); }
  },
  sendMessageToPlugin: function (callInfo) {
    callInfo.domain = window.location.hostname || window.location.href;
    return this.connect(ports[currentID], JSON.stringify(callInfo));
  },
  call: function (id, funcCallback, args) {
    return this.sendMessageToPlugin({ functionID: id, funcCallback: callbackName(funcCallback), args: args });
  },
  signXML: function (data, funcCallback, xmlSigner) {
    return this.call(functionId.SignXML, funcCallback, xmlSigner == null ? [data] : [data, JSON.stringify(xmlSigner)]);
  },
  signOffice: function (data, funcCallback) { return this.call(functionId.SignOFFICE, funcCallback, [data]); },
  signPdf: function (data, funcCallback, pdfSigner) {
    return this.call(functionId.SignPDF, funcCallback, pdfSigner == null ? [data] : [data, JSON.stringify(pdfSigner)]);
  },
  signCms: function (data, funcCallback) { return this.call(functionId.SignCMS, funcCallback, [data]); },
  signHash: function (data, funcCallback) { return this.call(functionId.signHash, funcCallback, [data]); },
  signArrDataAdvanced: function (arrData, serial, clearPINCache, funcCallback, showCertList) {
    var clearPIN = clearPINCache != null && clearPINCache ? '1' : '0';
    var isShowCertList = showCertList != null && !showCertList ? '0' : '1';
    return this.call(functionId.signArrDataAdvanced, funcCallback, [JSON.stringify(arrData), serial, clearPIN, isShowCertList]);
  },
  getCertInfo: function (funcCallback, isOnyFromToken, serialNumber) {
    return this.call(functionId.GetCertInfo, funcCallback, [isOnyFromToken !== null && isOnyFromToken ? '1' : '0', serialNumber]);
  },
  setLicenseKey: function (license, funcCallback) { return this.call(functionId.setLicenseKey, funcCallback, [license]); },
  setLanguage: function (language, funcCallback) { return this.call(functionId.SetLanguage, funcCallback, [language]); },
  SetShowCertListDialog: function (isShowDialog, funcCallback) {
    return this.call(functionId.SetShowCertListDialog, funcCallback, [isShowDialog != null && !isShowDialog ? '0' : '1']);
  },
  ValidateCertificate: function (serialNumber, timeCheck, ocspUrl, funcCallback) {
    return this.call(functionId.ValidateCertificate, funcCallback, [serialNumber, timeCheck, ocspUrl]);
  },
  ValidateCertificateBase64: function (certBase64, timeCheck, ocspUrl, funcCallback) {
    return this.call(functionId.ValidateCertificateBase64, funcCallback, [certBase64, timeCheck, ocspUrl]);
  },
  CheckValidTime: function (serialNumber, timeCheck, funcCallback) {
    return this.call(functionId.CheckValidTime, funcCallback, [serialNumber, timeCheck]);
  },
  CheckValidTimeBase64: function (certBase64, timeCheck, funcCallback) {
    return this.call(functionId.CheckValidTimeBase64, funcCallback, [certBase64, timeCheck]);
  },
  CheckOCSP: function (serialNumber, timeCheck, ocspUrl, funcCallback) {
    return this.call(functionId.CheckOCSP, funcCallback, [serialNumber, timeCheck, ocspUrl]);
  },
  CheckOCSPBase64: function (certBase64, timeCheck, ocspUrl, funcCallback) {
    return this.call(functionId.CheckOCSPBase64, funcCallback, [certBase64, timeCheck, ocspUrl]);
  },
  CheckCRL: function (serialNumber, timeCheck, crlUrl, crlBase64, funcCallback) {
    return this.call(functionId.CheckCRL, funcCallback, [serialNumber, timeCheck, crlUrl, crlBase64]);
  },
  CheckCRLBase64: function (certBase64, timeCheck, crlUrl, crlBase64, funcCallback) {
    return this.call(functionId.CheckCRLBase64, funcCallback, [certBase64, timeCheck, crlUrl, crlBase64]);
  },
  CheckToken: function (funcCallback) { return this.call(functionId.CheckToken, funcCallback, ['']); },
  checkPlugin: function (funcCallback) { timeOut = 3000; return this.call(functionId.checkPlugin, funcCallback, ['']); },
  getVersion: function (funcCallback) { return this.call(functionId.getVersion, funcCallback, ['']); },
  GetComputerInfo: function (funcCallback) { return this.call(functionId.GetComputerInfo, funcCallback, ['']); },
  ClearPinCache: function (times, funcCallback) { return this.call(functionId.ClearPinCache, funcCallback, [times]); },
  GetAllCertificates: function (funcCallback) { return this.call(functionId.GetAllCertificates, funcCallback, ['']); },
  GetAllCertificatesBase64: function (funcCallback) { return this.call(functionId.GetAllCertificatesBase64, funcCallback, ['']); }
};

// Option objects that are the same in both versions (PdfSigner differs: see the version files).
function XmlSigner() {
  this.TagSigning = null; this.NodeToSign = null; this.TagSaveResult = null; this.ParrentTagSigning = null;
  this.NameXPathFilter = null; this.NameIDTimeSignature = null; this.DsSignature = false; this.SigningType = 'Enveloped';
  this.SigningTime = null; this.CertificateSerial = null; this.ValidateBefore = false;
  this.DigestMethod = 'SHA1'; this.SignatureMethod = 'RSAwithSHA1';
}
function CmsSigner() { this.DigestAlgorithm = 'SHA1'; }
function OfficeSigner() { this.DigestAlgorithm = 'SHA1'; }
