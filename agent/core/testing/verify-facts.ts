// A signature's facts for unit tests of the verdict and the words: a valid B-T signature to vary from.
import type { SignatureFacts } from '../verify/verdict.js';

export const VALID_FACTS: SignatureFacts = {
  id: 'Signature1',
  kind: 'signature',
  signer: {
    commonName: 'NGUYỄN VĂN AN', organization: 'CÔNG TY TNHH KYSO', identifiers: { citizenId: '001099012345', taxCode: '0101234567' }, issuer: 'KYSO TEST CA',
    serialNumber: '01', certificateSha256: 'ab'.repeat(32), notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z',
  },
  signingTime: { time: '2026-03-04T05:06:07.000Z', source: 'timestamp', claimed: '2026-03-04T05:06:00.000Z', tsa: 'KYSO TEST TSA' },
  timestamp: { time: '2026-03-04T05:06:07.000Z', valid: true, tsa: 'KYSO TEST TSA', trusted: true, problem: null },
  integrity: { intact: true, failure: null, problem: null, coversWholeDocument: true, changesAfter: [] },
  trust: { anchored: true, path: ['NGUYỄN VĂN AN', 'KYSO TEST CA', 'KYSO TEST ROOT'], anchor: 'KYSO TEST ROOT', problem: null },
  validity: { atSigning: 'valid', now: 'valid' },
  statusAtSigning: { status: 'good', source: 'ocsp', at: '2026-03-04T05:07:00.000Z', revokedAt: null, revocationReason: null, detail: null },
  statusNow: { status: 'good', source: 'ocsp', at: '2026-12-03T00:00:00.000Z', revokedAt: null, revocationReason: null, detail: null },
  level: 'B-LT',
  levelName: 'PAdES-B-LT',
};
