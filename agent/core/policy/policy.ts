// The admin policy file: schema, defaults, the safest fallback, and a parser whose errors `policy check` prints.
import { z } from 'zod';
import type { Lang } from '../ports.js';
import { httpUrl } from '../protocol/schemas.js';
import { normaliseOrigin } from './origin-name.js';

/** What the agent does with SHA-1 (docs/admin.md, docs/security.md T26). */
export type Sha1Policy = 'allow' | 'warn' | 'refuse';

/** The admin policy of docs/admin.md, with every default filled in. Origins are normalised. */
export interface Policy {
  allowedOrigins: string[];
  blockedOrigins: string[];
  /** Unknown https origins may ask the user for access. */
  allowPairing: boolean;
  /** Extra PKCS#11 modules (absolute paths). */
  modules: { name: string; path: string; libraryParameters?: string }[];
  plainPort: boolean;
  compat: { vnpt: boolean };
  signing: {
    requirePinEveryTime: boolean; pinSessionMinutes: number; allowHashOnly: boolean;
    /** Certificate status before signing: unknown status refuses (require), warns in the dialog (warn) or is not checked (off). */
    revocationCheck: RevocationCheck;
    /** Smallest RSA modulus accepted for signing (Circular 15/2025/TT-BKHCN: 2048). */
    minRsaBits: number;
    /** SHA-1 signatures: allow (named, flagged legacy), warn (default: plus a warning), refuse (ALGORITHM_UNSUPPORTED). */
    sha1: Sha1Policy;
  };
  tsa?: { url: string };
  /** Extra trust anchors (absolute paths of PEM/DER files) and whether URLs may point at private addresses. */
  trust: { anchors: string[]; fetchPrivateAddresses: boolean };
  /** Macro-enabled Office files (.docm/.xlsm/.pptm, VBA projects) may be signed only when allowed (T21). */
  office: { allowMacros: boolean };
  /** Extra companion-extension IDs (an enterprise build) the native host accepts (docs/extension.md). */
  extension: { ids: string[] };
  language: Lang;
}

export type RevocationCheck = 'require' | 'warn' | 'off';

export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({
  allowedOrigins: [],
  blockedOrigins: [],
  allowPairing: true,
  modules: [],
  plainPort: false,
  compat: { vnpt: true },
  signing: { requirePinEveryTime: false, pinSessionMinutes: 5, allowHashOnly: true, revocationCheck: 'warn' as RevocationCheck, minRsaBits: 2048, sha1: 'warn' as Sha1Policy },
  trust: { anchors: [], fetchPrivateAddresses: false },
  office: { allowMacros: false },
  extension: { ids: [] },
  language: 'vi',
});

/**
 * What the agent runs with when the policy file is broken: no pairing with new origins, no plain port, no
 * VNPT-compatible listener (it accepts origins by its own rules). Already approved origins keep working.
 */
export const SAFEST_POLICY: Readonly<Policy> = Object.freeze({
  ...DEFAULT_POLICY,
  allowPairing: false,
  plainPort: false,
  compat: { vnpt: false },
});

const origin = z.string().max(2048).refine((s) => normaliseOrigin(s) !== null, {
  message: 'not an origin: write scheme://host[:port] (http or https, no path, IDN hosts in punycode xn--…)',
});
const absolutePath = z.string().min(1).max(4096).refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), {
  message: 'must be an absolute path',
});

/** The policy file's schema; docs/policy.schema.json is generated from it (JSON Schema, checked by a test). */
export const policySchema = z.strictObject({
  allowedOrigins: z.array(origin).max(10_000).optional(),
  blockedOrigins: z.array(origin).max(10_000).optional(),
  allowPairing: z.boolean().optional(),
  // libraryParameters: C_Initialize's pReserved string, which NSS softokn (and a few vendor modules) require.
  modules: z.array(z.strictObject({ name: z.string().min(1).max(200), path: absolutePath, libraryParameters: z.string().max(2000).optional() })).max(100).optional(),
  plainPort: z.boolean().optional(),
  compat: z.strictObject({ vnpt: z.boolean().optional() }).optional(),
  signing: z.strictObject({
    requirePinEveryTime: z.boolean().optional(),
    pinSessionMinutes: z.number().int().min(0).max(480).optional(),
    allowHashOnly: z.boolean().optional(),
    revocationCheck: z.enum(['require', 'warn', 'off']).optional(),
    minRsaBits: z.number().int().min(1024).max(16384).optional(),
    sha1: z.enum(['allow', 'warn', 'refuse']).optional(),
  }).optional(),
  tsa: z.strictObject({ url: httpUrl }).optional(),
  trust: z.strictObject({
    anchors: z.array(absolutePath).max(1000).optional(),
    fetchPrivateAddresses: z.boolean().optional(),
  }).optional(),
  office: z.strictObject({ allowMacros: z.boolean().optional() }).optional(),
  // Chromium IDs are 32 letters a–p; Firefox add-on ids look like an e-mail address or a {GUID}.
  extension: z.strictObject({
    ids: z.array(z.string().regex(/^([a-p]{32}|[A-Za-z0-9._+-]{1,80}@[A-Za-z0-9.-]{1,80}|\{[0-9A-Fa-f-]{36}\})$/, 'not an extension id (32 letters a–p, or a Firefox add-on id)')).max(20).optional(),
  }).optional(),
  language: z.enum(['vi', 'en']).optional(),
});

export type PolicyParseResult = { ok: true; policy: Policy; warnings: string[] } | { ok: false; errors: string[] };

/** `$.signing.pinSessionMinutes`, `$.modules[0].path`: where a problem is, as admins' JSON tools write it. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : /^[A-Za-z_$][\w$]*$/.test(String(k)) ? `${acc}.${String(k)}` : `${acc}[${JSON.stringify(String(k))}]`), '$');
}

/** Removes the keys at `path` + `keys` from a parsed JSON value (in place). */
function dropKeys(json: unknown, path: readonly PropertyKey[], keys: readonly string[]): void {
  let at: unknown = json;
  for (const k of path) at = (at as Record<PropertyKey, unknown> | undefined)?.[k];
  if (typeof at === 'object' && at !== null) for (const k of keys) delete (at as Record<string, unknown>)[k];
}

/** Parses a policy file's text. Errors are one line each, `path: why`, for `kyso-agent policy check` and doctor. */
export function parsePolicy(text: string): PolicyParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`not valid JSON: ${e instanceof Error ? e.message : 'syntax error'}`] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, errors: ['the policy must be a JSON object'] };
  }
  // Unknown settings are ignored with a warning (a newer policy on an older agent keeps working); every other
  // problem is an error and the agent falls back to the safest policy.
  const warnings: string[] = [];
  let r = policySchema.safeParse(json);
  for (let round = 0; !r.success && round < 8; round++) {
    const unknown = r.error.issues.filter((i) => i.code === 'unrecognized_keys');
    if (unknown.length === 0 || unknown.length !== r.error.issues.length) break;
    for (const i of unknown) {
      warnings.push(`${jsonPath(i.path)}: unknown setting ${i.keys.map((k) => JSON.stringify(k.slice(0, 64))).join(', ')} (ignored)`);
      dropKeys(json, i.path, i.keys);
    }
    r = policySchema.safeParse(json);
  }
  if (!r.success) {
    return {
      ok: false,
      errors: r.error.issues.map((i) => {
        if (i.code === 'unrecognized_keys') return `${jsonPath(i.path)}: unknown setting ${i.keys.map((k) => JSON.stringify(k.slice(0, 64))).join(', ')}`;
        return `${jsonPath(i.path)}: ${i.message}`;
      }),
    };
  }
  const p = r.data;
  const d = DEFAULT_POLICY;
  const policy: Policy = {
    allowedOrigins: (p.allowedOrigins ?? []).map((o) => normaliseOrigin(o)!),
    blockedOrigins: (p.blockedOrigins ?? []).map((o) => normaliseOrigin(o)!),
    allowPairing: p.allowPairing ?? d.allowPairing,
    modules: p.modules ?? [],
    plainPort: p.plainPort ?? d.plainPort,
    compat: { vnpt: p.compat?.vnpt ?? d.compat.vnpt },
    signing: {
      requirePinEveryTime: p.signing?.requirePinEveryTime ?? d.signing.requirePinEveryTime,
      pinSessionMinutes: p.signing?.pinSessionMinutes ?? d.signing.pinSessionMinutes,
      allowHashOnly: p.signing?.allowHashOnly ?? d.signing.allowHashOnly,
      revocationCheck: p.signing?.revocationCheck ?? d.signing.revocationCheck,
      minRsaBits: p.signing?.minRsaBits ?? d.signing.minRsaBits,
      sha1: p.signing?.sha1 ?? d.signing.sha1,
    },
    trust: { anchors: p.trust?.anchors ?? [], fetchPrivateAddresses: p.trust?.fetchPrivateAddresses ?? d.trust.fetchPrivateAddresses },
    office: { allowMacros: p.office?.allowMacros ?? d.office.allowMacros },
    extension: { ids: [...(p.extension?.ids ?? [])] },
    language: p.language ?? d.language,
  };
  if (p.tsa) policy.tsa = { url: p.tsa.url };
  return { ok: true, policy, warnings };
}
