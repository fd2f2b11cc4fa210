"""What pyHanko's PDF reader sees of a PAdES long-term file (the AdES verdict itself comes from
`pyhanko sign adesverify`, run by the test).

Usage: python pyhanko_ltv.py FILE.pdf
Prints one JSON object: signature fields, document timestamps, DSS item counts and VRI keys, and whether the newest
document timestamp covers the DSS revision (PAdES B-LTA).
"""
import json
import sys

from pyhanko.pdf_utils.reader import PdfFileReader


def has_signature_timestamp(sig) -> bool:
    attrs = sig.signer_info['unsigned_attrs']
    return any(a['type'].native == 'signature_time_stamp_token' for a in attrs) if attrs.native else False


def main() -> int:
    with open(sys.argv[1], 'rb') as f:
        reader = PdfFileReader(f)
        sigs = reader.embedded_regular_signatures
        dts = reader.embedded_timestamp_signatures
        dss = reader.root.get('/DSS')
        out = {
            'signatures': [s.field_name for s in sigs],
            'signatureTimestamps': [has_signature_timestamp(s) for s in sigs],
            'documentTimestamps': len(dts),
            'dss': None,
        }
        if dss is not None:
            dss = dss.get_object()
            out['dss'] = {k: len(dss.get(f'/{k}', [])) for k in ('Certs', 'OCSPs', 'CRLs')}
            out['dss']['vri'] = list(dss.get('/VRI', {}).keys())
        if dts:
            # The DSS must be in a revision the newest document timestamp covers.
            dss_rev = reader.xrefs.get_last_change(reader.root.raw_get('/DSS').reference) if dss is not None else None
            out['dssCoveredByDocTimestamp'] = dss_rev is not None and dts[-1].signed_revision >= dss_rev
    print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
