// certificates.list and certificates.select (the agent's own picker; the choice is remembered per origin).
import { filterCertificates } from '../certs-filter.js';
import { AgentError } from '../errors.js';
import type { PickerOptions } from '../ports.js';
import type { ParamsOf } from '../protocol/schemas.js';
import { revokedError } from '../status/gate.js';
import { revocationMarks, type RevocationMark } from '../status/marks.js';
import type { Cert } from '../types.js';
import type { Call } from './command.js';

export async function certificatesListCommand(params: ParamsOf<'certificates.list'>, call: Call): Promise<{ certificates: Cert[] }> {
  return { certificates: filterCertificates(await call.deps.tokens.listCertificates(), params.filter) };
}

export async function certificatesSelectCommand(params: ParamsOf<'certificates.select'>, call: Call): Promise<{ certificate: Cert }> {
  const { tokens, prompt, settings, limiter } = call.deps;
  const candidates = filterCertificates(await tokens.listCertificates(), params.filter);
  if (candidates.length === 0) {
    throw new AgentError('CERTIFICATE_NOT_FOUND', 'No certificate matches', { detail: 'no certificate on the inserted tokens matches the filter' });
  }
  // Remembered by thumbprint (certIds change when a token is re-inserted); the picker gets the current certId.
  const lastThumbprint = settings.get().lastCertByOrigin[call.origin];
  const last = candidates.find((c) => c.thumbprintSha256 === lastThumbprint);
  const options: PickerOptions = {};
  if (params.title !== undefined) options.title = params.title;
  if (last) options.lastChoice = last.certId;
  let revocation: RevocationMark[] = [];
  const chosen = await limiter.with(call.origin, async () => {
    try {
      // Revoked and suspended certificates are marked (bounded wait; docs/trust.md "The picker").
      revocation = await revocationMarks(call.deps, candidates);
      if (revocation.length) options.revocation = revocation;
      return await prompt.chooseCertificate(call.promptContext, candidates, options);
    } finally {
      prompt.finish(call.promptContext);
    }
  });
  if (chosen === null) throw new AgentError('USER_CANCELLED', 'The user cancelled');
  // Only a certificate we offered may come back (a faulty dialog must not inject one).
  const certificate = candidates.find((c) => c.certId === chosen.certId);
  if (!certificate) throw new Error('prompt returned a certificate that was not offered');
  // The page refuses a marked certificate; a faulty one must not get it through either.
  const marked = revocation.find((m) => m.certId === certificate.certId);
  if (marked) throw revokedError({ revocationReason: marked.reason, ...(marked.revokedAt ? { revokedAt: marked.revokedAt } : {}) });
  await settings.update((s) => {
    s.lastCertByOrigin[call.origin] = certificate.thumbprintSha256;
  });
  return { certificate };
}
