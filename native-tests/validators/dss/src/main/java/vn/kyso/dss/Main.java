package vn.kyso.dss;

import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.enumerations.SubIndication;
import eu.europa.esig.dss.jaxb.object.Message;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.simplereport.jaxb.XmlTimestamp;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.validation.SignedDocumentValidator;
import eu.europa.esig.dss.validation.reports.Reports;

import java.io.FileInputStream;
import java.io.InputStream;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;

/**
 * EU DSS validation of a signed file (PAdES or CAdES), offline: only the data inside the file and the given trust
 * anchors are used (no AIA, OCSP or CRL fetching). Prints one JSON object:
 * {"signatures":[{"id","indication","subIndication","format","signedBy","bestSignatureTime","timestamps":[…],
 *   "errors":[…],"warnings":[…]}],"timestamps":[{"id","indication","subIndication"}]}
 *
 * Usage: java -jar dss.jar FILE [--trust PEM]... [--detached CONTENT]
 */
public final class Main {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: dss FILE [--trust PEM]... [--detached CONTENT]");
      System.exit(2);
    }
    String file = args[0];
    CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
    List<DSSDocument> detached = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--trust") && i + 1 < args.length) {
        for (X509Certificate c : readCertificates(args[++i])) trusted.addCertificate(new CertificateToken(c));
      } else if (args[i].equals("--detached") && i + 1 < args.length) {
        detached.add(new FileDocument(args[++i]));
      } else {
        System.err.println("unknown argument: " + args[i]);
        System.exit(2);
      }
    }

    // A verifier with no online sources: DSS then uses only what the document carries.
    CommonCertificateVerifier verifier = new CommonCertificateVerifier();
    verifier.setAIASource(null);
    verifier.setOcspSource(null);
    verifier.setCrlSource(null);
    verifier.setTrustedCertSources(trusted);

    SignedDocumentValidator validator = SignedDocumentValidator.fromDocument(new FileDocument(file));
    validator.setCertificateVerifier(verifier);
    if (!detached.isEmpty()) validator.setDetachedContents(detached);
    Reports reports = validator.validateDocument();
    SimpleReport simple = reports.getSimpleReport();

    StringBuilder out = new StringBuilder("{\"signatures\":[");
    boolean first = true;
    for (String id : simple.getSignatureIdList()) {
      if (!first) out.append(',');
      first = false;
      SignatureLevel format = simple.getSignatureFormat(id);
      out.append("{\"id\":").append(str(id))
          .append(",\"indication\":").append(str(String.valueOf(simple.getIndication(id))))
          .append(",\"subIndication\":").append(sub(simple.getSubIndication(id)))
          .append(",\"format\":").append(str(format == null ? null : format.toString()))
          .append(",\"signedBy\":").append(str(simple.getSignedBy(id)))
          .append(",\"bestSignatureTime\":").append(str(iso(simple.getBestSignatureTime(id))))
          .append(",\"timestamps\":[");
      boolean firstTs = true;
      for (XmlTimestamp ts : simple.getSignatureTimestamps(id)) {
        if (!firstTs) out.append(',');
        firstTs = false;
        out.append("{\"id\":").append(str(ts.getId()))
            .append(",\"indication\":").append(str(String.valueOf(ts.getIndication())))
            .append(",\"subIndication\":").append(sub(ts.getSubIndication())).append('}');
      }
      out.append("],\"errors\":").append(messages(simple.getAdESValidationErrors(id)))
          .append(",\"warnings\":").append(messages(simple.getAdESValidationWarnings(id)))
          .append('}');
    }
    out.append("],\"timestamps\":[");
    first = true;
    for (String id : simple.getTimestampIdList()) {
      if (!first) out.append(',');
      first = false;
      out.append("{\"id\":").append(str(id))
          .append(",\"indication\":").append(str(String.valueOf(simple.getIndication(id))))
          .append(",\"subIndication\":").append(sub(simple.getSubIndication(id))).append('}');
    }
    out.append("]}");
    System.out.println(out);
  }

  private static List<X509Certificate> readCertificates(String path) throws Exception {
    List<X509Certificate> list = new ArrayList<>();
    try (InputStream in = new FileInputStream(path)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        list.add((X509Certificate) c);
      }
    }
    return list;
  }

  private static String iso(Date d) {
    if (d == null) return null;
    SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
    f.setTimeZone(TimeZone.getTimeZone("UTC"));
    return f.format(d);
  }

  private static String sub(SubIndication s) {
    return s == null ? "null" : str(s.toString());
  }

  private static String messages(List<Message> list) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) b.append(',');
      b.append(str(list.get(i).getValue()));
    }
    return b.append(']').toString();
  }

  private static String str(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
