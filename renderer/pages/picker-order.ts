// The picker's order, the same on every run whatever order the tokens report: personal certificates, then
// organisation ones; inside each, usable ones first, then by holder name (Vietnamese collation), newest first.
import type { Cert } from '../../agent/core/types.js';

export type CertKind = 'personal' | 'organisation';

/** Organisation certificates name a company (O) and carry no personal identifier (CCCD / passport). */
export function certKind(c: Pick<Cert, 'subject' | 'identifiers'>): CertKind {
  const personal = c.identifiers.citizenId !== undefined || c.identifiers.passport !== undefined;
  return !personal && (c.subject.organization !== undefined || c.identifiers.taxCode !== undefined || c.identifiers.budgetCode !== undefined) ? 'organisation' : 'personal';
}

const usable = (c: Cert, blocked: ReadonlySet<string>) => c.status === 'valid' && c.hasPrivateKey && !blocked.has(c.certId);
const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

/** A new array in display order; ties end on the thumbprint so two runs never differ. `blocked`: revoked/suspended certIds. */
export function orderCertificates(certs: readonly Cert[], blocked: ReadonlySet<string> = new Set()): Cert[] {
  const rank = (c: Cert) => (certKind(c) === 'personal' ? 0 : 2) + (usable(c, blocked) ? 0 : 1);
  return [...certs].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      collator.compare(a.subject.commonName, b.subject.commonName) ||
      b.notAfter.localeCompare(a.notAfter) ||
      a.thumbprintSha256.localeCompare(b.thumbprintSha256) ||
      a.certId.localeCompare(b.certId),
  );
}
