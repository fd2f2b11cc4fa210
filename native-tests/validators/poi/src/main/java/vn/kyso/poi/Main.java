package vn.kyso.poi;

import java.io.FileInputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.poifs.crypt.HashAlgorithm;
import org.apache.poi.poifs.crypt.dsig.SignatureConfig;
import org.apache.poi.poifs.crypt.dsig.SignatureInfo;
import org.apache.poi.poifs.crypt.dsig.SignaturePart;

/**
 * verify FILE...: one line per signature part, "VALID|INVALID <part> <signer subject>"; exit 0 only when there is at
 * least one signature and every one validates (POI's SignaturePart.validate: XMLDSig core + manifest references).
 * sign FILE P12 PASSWORD [sha1|sha256]: POI signs FILE in place (a package first signed by someone else).
 * create OUT TEXT: a .docx, .xlsx or .pptx written by POI with TEXT (inputs made by a library, not by us).
 * encrypt IN OUT PASSWORD: a password-protected (agile-encrypted, CFB container) copy of IN, as Office saves it.
 */
public final class Main {
  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("verify")) {
      // Several files in one JVM (start-up dominates): each block starts with "== FILE"; exit 0 only if all pass.
      int worst = 0;
      for (int i = 1; i < args.length; i++) {
        if (args.length > 2) System.out.println("== " + args[i]);
        worst = Math.max(worst, verify(args[i]));
      }
      System.exit(worst);
    }
    if (args.length >= 4 && args[0].equals("sign")) {
      sign(args[1], args[2], args[3], args.length > 4 ? args[4] : "sha256");
      System.exit(0);
    }
    if (args.length >= 4 && args[0].equals("encrypt")) {
      encrypt(args[1], args[2], args[3]);
      System.exit(0);
    }
    if (args.length >= 3 && args[0].equals("create")) {
      create(args[1], args[2]);
      System.exit(0);
    }
    System.err.println("usage: verify FILE... | sign FILE P12 PASSWORD [sha1|sha256] | create OUT.(docx|xlsx|pptx) TEXT");
    System.exit(2);
  }

  static int verify(String file) throws Exception {
    try {
      return verify(file, true);
    } catch (org.apache.poi.EncryptedDocumentException e) {
      // xmlsec's secure validation allows at most 30 references per Manifest; Office signs every part of a
      // presentation in one Manifest (often more than 30), so such files are checked again without that cap.
      if (!String.valueOf(e.getCause()).contains("maximum of 30 references")) throw e;
      System.out.println("note: more than 30 manifest references, secure validation off");
      return verify(file, false);
    }
  }

  static int verify(String file, boolean secure) throws Exception {
    int total = 0;
    int valid = 0;
    try (OPCPackage pkg = OPCPackage.open(file, PackageAccess.READ)) {
      SignatureInfo si = new SignatureInfo();
      si.setOpcPackage(pkg);
      SignatureConfig config = new SignatureConfig();
      config.setSecureValidation(secure);
      si.setSignatureConfig(config);
      for (SignaturePart sp : si.getSignatureParts()) {
        total++;
        boolean ok = sp.validate();
        X509Certificate signer = sp.getSigner();
        if (ok) valid++;
        System.out.println((ok ? "VALID " : "INVALID ") + sp.getPackagePart().getPartName().getName() + " "
            + (signer == null ? "-" : signer.getSubjectX500Principal().getName()));
      }
    }
    System.out.println("signatures=" + total + " valid=" + valid);
    return total > 0 && valid == total ? 0 : 1;
  }

  static void create(String out, String text) throws Exception {
    try (java.io.FileOutputStream os = new java.io.FileOutputStream(out)) {
      if (out.endsWith(".docx")) {
        try (org.apache.poi.xwpf.usermodel.XWPFDocument d = new org.apache.poi.xwpf.usermodel.XWPFDocument()) {
          for (String line : text.split("\\n")) d.createParagraph().createRun().setText(line);
          d.write(os);
        }
      } else if (out.endsWith(".xlsx")) {
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook w = new org.apache.poi.xssf.usermodel.XSSFWorkbook()) {
          org.apache.poi.ss.usermodel.Sheet sheet = w.createSheet("Bảng 1");
          int i = 0;
          for (String line : text.split("\\n")) sheet.createRow(i++).createCell(0).setCellValue(line);
          w.write(os);
        }
      } else {
        try (org.apache.poi.xslf.usermodel.XMLSlideShow p = new org.apache.poi.xslf.usermodel.XMLSlideShow()) {
          org.apache.poi.xslf.usermodel.XSLFTextBox box = p.createSlide().createTextBox();
          box.setAnchor(new java.awt.Rectangle(50, 50, 600, 300));
          box.setText(text);
          p.write(os);
        }
      }
    }
  }

  static void encrypt(String in, String out, String password) throws Exception {
    try (org.apache.poi.poifs.filesystem.POIFSFileSystem fs = new org.apache.poi.poifs.filesystem.POIFSFileSystem()) {
      org.apache.poi.poifs.crypt.EncryptionInfo info = new org.apache.poi.poifs.crypt.EncryptionInfo(org.apache.poi.poifs.crypt.EncryptionMode.agile);
      org.apache.poi.poifs.crypt.Encryptor enc = info.getEncryptor();
      enc.confirmPassword(password);
      try (java.io.OutputStream os = enc.getDataStream(fs)) {
        java.nio.file.Files.copy(java.nio.file.Path.of(in), os);
      }
      try (java.io.FileOutputStream fos = new java.io.FileOutputStream(out)) {
        fs.writeFilesystem(fos);
      }
    }
  }

  static void sign(String file, String p12, String password, String hash) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(p12)) {
      ks.load(in, password.toCharArray());
    }
    String alias = null;
    for (Enumeration<String> e = ks.aliases(); e.hasMoreElements();) {
      String a = e.nextElement();
      if (ks.isKeyEntry(a)) alias = a;
    }
    PrivateKey key = (PrivateKey) ks.getKey(alias, password.toCharArray());
    List<X509Certificate> chain = new ArrayList<>();
    for (java.security.cert.Certificate c : ks.getCertificateChain(alias)) chain.add((X509Certificate) c);
    SignatureConfig sc = new SignatureConfig();
    sc.setKey(key);
    sc.setSigningCertificateChain(Collections.unmodifiableList(chain));
    sc.setDigestAlgo(hash.equals("sha1") ? HashAlgorithm.sha1 : HashAlgorithm.sha256);
    try (OPCPackage pkg = OPCPackage.open(file, PackageAccess.READ_WRITE)) {
      SignatureInfo si = new SignatureInfo();
      si.setOpcPackage(pkg);
      si.setSignatureConfig(sc);
      si.confirmSignature();
    }
  }
}
