// Certificate chain validation to configured trust anchors (pkijs), used by every verifier.
import * as pkijs from 'pkijs';

const OID_CN = '2.5.4.3';

/** Common name of a certificate's subject. */
export function commonName(cert: pkijs.Certificate): string | undefined {
  const tv = cert.subject.typesAndValues.find((t) => t.type === OID_CN);
  return tv ? String(tv.value.valueBlock.value) : undefined;
}

/**
 * Validates `leaf` up to one of `anchors` using `intermediates`, at time `at`.
 * Returns undefined when no anchors are configured (nothing to decide).
 */
export async function checkChain(leaf: Uint8Array, intermediates: Uint8Array[], anchors: Uint8Array[] | undefined, at: Date): Promise<{ valid: boolean; problem?: string } | undefined> {
  if (!anchors || anchors.length === 0) return undefined;
  try {
    const parse = (d: Uint8Array): pkijs.Certificate => pkijs.Certificate.fromBER(new Uint8Array(d));
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: anchors.map(parse),
      certs: [parse(leaf), ...intermediates.map(parse)],
      checkDate: at,
    });
    const result = await engine.verify();
    return result.result ? { valid: true } : { valid: false, problem: result.resultMessage || 'chain does not validate' };
  } catch (e) {
    return { valid: false, problem: e instanceof Error ? e.message : String(e) };
  }
}
