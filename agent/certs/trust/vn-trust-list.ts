// The shipped Vietnamese trust list: NEAC's root and licensed public CAs' issuing CAs, pinned by SHA-256 (docs/trust.md).

/** One shipped anchor. The loader refuses an entry whose PEM does not hash to `sha256`. */
export interface TrustListEntry {
  name: string;
  role: 'root' | 'issuingCA';
  /** Lower-case hex SHA-256 of the DER certificate. */
  sha256: string;
  /** Where the certificate is published by its owner. */
  source: string;
  /** Where this copy was taken from (and checked against the fingerprint). */
  copiedFrom: string;
  notAfter: string;
  pem: string;
}

/**
 * Version of the list (bumped with every change). Entries were taken from public copies and their fingerprints
 * checked; the issuing CA's signature was verified against the root. Re-check against rootca.gov.vn before a release.
 */
export const TRUST_LIST_VERSION = '2026-12-03.1';

export const VN_TRUST_LIST: readonly TrustListEntry[] = [
  {
    name: 'Vietnam National Root CA (NEAC, SHA-256, 2014–2039)',
    role: 'root',
    sha256: 'bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7',
    source: 'https://rootca.gov.vn/crt/vnrca256.p7b',
    copiedFrom: 'github.com/nguyentvtk/eSign.Files@dbbd92470d887cfceb0376d41884b21fbf8f5bba server/trust/national/vnrca256.crt',
    notAfter: '2039-04-15T16:29:20Z',
    pem: `-----BEGIN CERTIFICATE-----
MIIG/DCCBOSgAwIBAgIRAJWSu4zurVokprj3HX0yO1owDQYJKoZIhvcNAQELBQAw
gaMxCzAJBgNVBAYTAlZOMTMwMQYDVQQKDCpNaW5pc3RyeSBvZiBJbmZvcm1hdGlv
biBhbmQgQ29tbXVuaWNhdGlvbnMxPDA6BgNVBAsMM05hdGlvbmFsIENlbnRyZSBv
ZiBEaWdpdGFsIFNpZ25hdHVyZSBBdXRoZW50aWNhdGlvbjEhMB8GA1UEAwwYVmll
dG5hbSBOYXRpb25hbCBSb290IENBMB4XDTE0MDQxNTE2MjkyMFoXDTM5MDQxNTE2
MjkyMFowgaMxCzAJBgNVBAYTAlZOMTMwMQYDVQQKDCpNaW5pc3RyeSBvZiBJbmZv
cm1hdGlvbiBhbmQgQ29tbXVuaWNhdGlvbnMxPDA6BgNVBAsMM05hdGlvbmFsIENl
bnRyZSBvZiBEaWdpdGFsIFNpZ25hdHVyZSBBdXRoZW50aWNhdGlvbjEhMB8GA1UE
AwwYVmlldG5hbSBOYXRpb25hbCBSb290IENBMIICIjANBgkqhkiG9w0BAQEFAAOC
Ag8AMIICCgKCAgEAuKxaewgw2XB6afUf4zeVThQDl/G9xj56UoT+8KbW7BeIjkUe
vwlUmK5/j4HQaIuNg7g9oiQaU2Gt7WM/fTR8p/PkQT7yzuY0uLzSxUO3d8LxBnFR
hz/5Vnk6cfWcsZUwCEgU/LHrnVuRjIYsffdc3YDgUJkcbnnxRq6zTF9BG2xH3f3C
68C4Y3yERae5MCukpNELXh6GctRR2FkShFeITzJUZSguCEJJAj5qYW3rakJud4Xj
FFVgMnl6+78PYxvlAA8oFQrUbAywWq6Lzn6zcpo+OZuWfF7NFVGEcAtDuN1oyvst
+H68f6giZ4+dKI4dBcrFkYJ+ptf98+Dev/Ij6onjOLgVgE/6LwprDIVY7X0vdqGG
7Nbh6gaeugCG5/mYtIVkHhwPK+KcTPETYZJDYxT3rUIahaYh1Qp+LfEDXTJI2XGK
ey9lBkmFgdGpZY65p3xvrYW+NHccbtPsR+swcuuGRV7UP/ndmRX08GiaMTfKrkR7
V5RvferDiQ/vezfq2hDPHizFaqxtImTUu8wFvXGbo11hsrqLCaKQxZToonYp7ECV
YFDueuL7E6Up4cXler1qLvp3w+QZVR4r58IKvxVrtHaRiZUsbDa335dAlWjgaJI8
QWZ4HOHVZLQjrX+JkjDPJTMHNxuMEkElrCSF3rXqUKZ/JMvqKeY16jQDaH0CAwEA
AaOCAScwggEjMA4GA1UdDwEB/wQEAwIBhjAPBgNVHRMBAf8EBTADAQH/MB0GA1Ud
DgQWBBR+8Iftsbid+wiDb6QW/fG4rGKbATCB4AYDVR0jBIHYMIHVgBR+8Iftsbid
+wiDb6QW/fG4rGKbAaGBqaSBpjCBozELMAkGA1UEBhMCVk4xMzAxBgNVBAoMKk1p
bmlzdHJ5IG9mIEluZm9ybWF0aW9uIGFuZCBDb21tdW5pY2F0aW9uczE8MDoGA1UE
CwwzTmF0aW9uYWwgQ2VudHJlIG9mIERpZ2l0YWwgU2lnbmF0dXJlIEF1dGhlbnRp
Y2F0aW9uMSEwHwYDVQQDDBhWaWV0bmFtIE5hdGlvbmFsIFJvb3QgQ0GCEQCVkruM
7q1aJKa49x19MjtaMA0GCSqGSIb3DQEBCwUAA4ICAQBNNunXKvYvaxzgOPbKsmJL
Z1gqHpJeHzT74IzBHDgp8bgbLDtqH+PZV+w7DwvfZD8xuFKQJz9v5TDpz/CYwrhA
+BUsxyMbzS6Kv1lNa42Ja63BlEQ1AAVY+ZX3mFbVumOV43kLQgzQayYKPolq1o7Q
xz3l2zgzhg4o436Vfek8Lrh/WcP5ezyC8Tt7VCaUOl/fuSaCPYvZbV7bZw/Eyj4x
K1ud7Uq2Op54vSTegoh0+ZW28SQEgH49BjyjQTv56sTRolWZ4WxbHtbBJwTj7vli
ksebvvljoRYo9wg29AuY/Arw3NNhTyIbUFO75colaaF8i+5aAvmPQzfIk9m1bzK1
5VOk8t8QnV8i4I42jDLbVzbZFQZHbLL8gj+LTHVZc9sfKmfhkH2HDsngb6UvKDuW
HB5+XQ5QoSiyGVJ0MeUYohPI6cghZXbIflHGyse9hbARM7Ubrisf/P//FDLlJ3UL
7+aLIk9fw6n7Wy0WcgN+QxjfdxUM9VSCx705+uX/aN4y0g5LMNChDOzpBYUg6smm
8A0W2LIAMw0Q9U9TLnHO8Ovw3ikuO5rfTSWwbYmyt15NsFp8LM/Q0Nu9QqaMNNy2
3YbQZZlfFormI9ioWEpjDbWqU9YyH6oHpGjsBbSoR4G0IUsfxaDdE3CXIx48pRol
SddeayvR5sdOsNrhJOAFwg==
-----END CERTIFICATE-----
`,
  },
  {
    name: 'VNPT-CA SHA2 (issuing CA of VNPT-CA, 2024–2029)',
    role: 'issuingCA',
    sha256: '7d6ba5245317f9ed5d8bc765a4634d26ac6340d36b9f584df3b52d9c4a81a306',
    source: 'issued by Vietnam National Root CA; published in VNPT-CA certificate bundles (.p7b)',
    copiedFrom: 'github.com/nguyentvtk/eSign.Files@c6f7c1db0678a82f5d21bfaa37f56a531d25b91a server/trust/vnpt/vnpt-ca-sha2.crt',
    notAfter: '2029-08-30T03:22:57Z',
    pem: `-----BEGIN CERTIFICATE-----
MIIHMTCCBRmgAwIBAgIRAPxPdBtLwIlsrGAboi6avwQwDQYJKoZIhvcNAQELBQAw
gaMxCzAJBgNVBAYTAlZOMTMwMQYDVQQKDCpNaW5pc3RyeSBvZiBJbmZvcm1hdGlv
biBhbmQgQ29tbXVuaWNhdGlvbnMxPDA6BgNVBAsMM05hdGlvbmFsIENlbnRyZSBv
ZiBEaWdpdGFsIFNpZ25hdHVyZSBBdXRoZW50aWNhdGlvbjEhMB8GA1UEAwwYVmll
dG5hbSBOYXRpb25hbCBSb290IENBMB4XDTI0MDgzMDAzMjI1N1oXDTI5MDgzMDAz
MjI1N1owWTEVMBMGA1UEAwwMVk5QVC1DQSBTSEEyMTMwMQYDVQQKDCpWSUVUTkFN
IFBPU1RTIEFORCBURUxFQ09NTVVOSUNBVElPTlMgR1JPVVAxCzAJBgNVBAYTAlZO
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA1XQIJjEFlpyXbJN0KkWJ
xea3Dn/6fyF92gz+zuf9WLrtPUPBEe1Vn8NUt9YMg4zQXkFzbO4iX/1tyqK8O7/H
wugJ1SyMLli/MAbkwKIOaA/XV+h/XHsv464slLDEtBCtvr02HJiHF6S9Mb+11X41
uMZpz6GS4AmwojH37nZ4LZfQzgTmOHd9lJoyadmJEqQWZ1DMEyPILmjqdZ+miQiD
HcjYLrmfUeQ9tyoVQa+U8bKBK9ZZuq1RCGapJqbptWYjlstJOd7b/fLRaWl4yR/v
v2NMIbg9+ECpq/iWi3SQZ1YsmVPT3x74c0ZM5jMOwdFvRI+gHUqG9Ov0aCy5fpVN
VirUSmyWitP9V0OoY67W/iXQWdi7I0KP1azZwHKcpmAZJqEzeBWtpXf/LYl84pyE
l8yHJtIjfcGwNiPbJ0GzqTCY9eAejCfoshCgNIqt0xcT0Mzlif3b071sNRVvevBO
giKX76rJ784dme4njx4IE1/mIX8ajpnvi5ZqumIq062EkfcnhLM58avHBEJoc3MF
KxdrDxMnieK83YysqWNTAp0kWgxPdzs2MkkLOsTyfI6D1e54I31Q2VaUVltOxMhz
zuVE55+d2QAQj4wPaFqKU0h9VR7CfE9c/tGbbebI8c52T31jEnnjqqhnGDK17M/J
soe86WsIQ6vWhHPJp5B1z78CAwEAAaOCAacwggGjMIHgBgNVHSMEgdgwgdWAFH7w
h+2xuJ37CINvpBb98bisYpsBoYGppIGmMIGjMQswCQYDVQQGEwJWTjEzMDEGA1UE
CgwqTWluaXN0cnkgb2YgSW5mb3JtYXRpb24gYW5kIENvbW11bmljYXRpb25zMTww
OgYDVQQLDDNOYXRpb25hbCBDZW50cmUgb2YgRGlnaXRhbCBTaWduYXR1cmUgQXV0
aGVudGljYXRpb24xITAfBgNVBAMMGFZpZXRuYW0gTmF0aW9uYWwgUm9vdCBDQYIR
AJWSu4zurVokprj3HX0yO1owDgYDVR0PAQH/BAQDAgGGMB0GA1UdDgQWBBRrlcTE
KSPKJxPLBPD9dOrNvQj/wTBCBggrBgEFBQcBAQQ2MDQwMgYIKwYBBQUHMAKGJmh0
dHBzOi8vcm9vdGNhLmdvdi52bi9jcnQvdm5yY2EyNTYucDdiMBIGA1UdEwEB/wQI
MAYBAf8CAQAwNwYDVR0fBDAwLjAsoCqgKIYmaHR0cHM6Ly9yb290Y2EuZ292LnZu
L2NybC92bnJjYTI1Ni5jcmwwDQYJKoZIhvcNAQELBQADggIBAJzyb6x6SgKyHvAc
eKEd/K6ZAMt3050IDeNHDBQ14rfED4So8N0TJ+pNbplvt+Fn/SRzsh0u7+aLodc/
TsW47Xub5BoRaEidiD7bTfI75NjPeT9iUMStSvMmF9re3tBW9eBP1t8N4lULOu9m
2yF4/Z4uuuFV1SR0zVc1+W0pIwm7uDRs2gpbxGA+PO+SW3Ep2KH2dSWjfP80wazr
OZ1AlgQ1n+g3CftEvS076QgRY2zsNDETqNHum81MFRaWgMFzH7yLdY13Dxdzhaga
aCbsXpvTa69T6/tYLfts/AqFI18EyuvCg9iq4MeWW1/BBeiPVoo8mhSriNAPQVm8
e722BUihTpGTGYvyJEa8uO+sVYJcvojYzUul+DubmrS7Bq/5bL+igoNpzaVXNbMm
bxeY+MX3IxxPtm8MzBsgfjzJNC8Weiz8wDw6d3e27NOx7pK8J49NpwbSh4fcqAtB
iXdnQikQt0mx4PNuNA/u79oXBT7JdO592v+LCwnWuAZrvSOlStSmbrvzqzekupWX
L/eDMHWFW+Vxp3CqlORqbDK9yeIVMxw8qrnIDX/IkYYOT9uUjsc4B9Arl/zFmGB5
6APcb4R8oTBGBFgvTd5XjAXevGr5FJMBeHoo4zRv2kn1O78UBWWUXsuOb7G0hCkX
B9xU4jfk1MsjjbfovofrIWgqku61
-----END CERTIFICATE-----
`,
  },
];
