#!/usr/bin/env python3
"""Validates every signature of a PDF with pyHanko (integrity and coverage, no trust decision) and prints JSON.

Usage: validate_pdf.py FILE.pdf   (encrypted files are opened with the empty user password)
"""
import json
import sys

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def main() -> int:
    with open(sys.argv[1], 'rb') as f:
        reader = PdfFileReader(f, strict=False)
        if reader.encrypted:
            reader.decrypt('')
        out = []
        for sig in reader.embedded_signatures:
            status = validate_pdf_signature(sig, ValidationContext(allow_fetching=False))
            out.append({
                'field': sig.field_name,
                'intact': bool(status.intact),
                'valid': bool(status.valid),
                'coverage': status.coverage.name if status.coverage else None,
                'modification': status.modification_level.name if status.modification_level else None,
            })
        print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
