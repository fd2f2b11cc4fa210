// Origin normalisation: the one place that decides whether two origins are the same (exact scheme+host+port).

/** Longest Origin header we look at; anything longer is refused. */
const MAX_ORIGIN_LENGTH = 2048;

/**
 * Normalises an Origin header (or a policy entry) to `scheme://host[:port]`: lower-case, default port dropped,
 * IPv6 in brackets. Returns null — refused — for `null`, missing, non-http(s), anything with a path, query,
 * credentials, whitespace or non-ASCII characters, and anything the URL parser would rewrite beyond case and
 * default port (e.g. `https://0x7f.1`, percent-escapes): what is compared is exactly what the browser sent.
 * IDN hosts stay in the punycode form browsers send; a trailing-dot host is a different origin.
 */
export function normaliseOrigin(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_ORIGIN_LENGTH) return null;
  // Every request normalises its connection's origin (twice): remember the few origins a machine sees.
  const known = memo.get(raw);
  if (known !== undefined) return known;
  const result = normaliseUncached(raw);
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(raw, result);
  return result;
}

/** Results of {@link normaliseOrigin} by raw text (a pure function, so caching changes nothing but time). */
const memo = new Map<string, string | null>();
const MEMO_SIZE = 256;

function normaliseUncached(raw: string): string | null {
  if (raw === 'null') return null;
  if (!/^[\x21-\x7e]+$/.test(raw)) return null;
  // A policy file may say "https://portal.example/"; browsers never send the slash.
  const text = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  const match = /^(https?):\/\/([^/?#@\\]+)$/i.exec(text);
  if (!match) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const normalised = `${url.protocol}//${url.host}`;
  // Accept only case and default-port differences from the input.
  const lower = text.toLowerCase();
  const defaultPort = url.protocol === 'https:' ? ':443' : ':80';
  if (normalised !== lower && `${normalised}${defaultPort}` !== lower) return null;
  return normalised;
}

/**
 * An Origin header exactly as browsers serialise it (lower case, no default port, no trailing slash), else null.
 * Browsers never send `https://Portal.Example:443`; a client that does is not a browser, and is refused rather than
 * taken for the approved portal (docs/protocol.md "Origins", docs/security.md T26). Policy entries keep the
 * lenient {@link normaliseOrigin}. A trailing tab or space never reaches here: HTTP removes it (optional whitespace
 * around a field value), so `Origin: https://portal.example<TAB>` is the same header as without it.
 */
export function headerOrigin(raw: string | null | undefined): string | null {
  const origin = normaliseOrigin(raw);
  return origin !== null && origin === raw ? origin : null;
}

/** True for origins browsers treat as secure contexts: https, and http on loopback names. */
export function isSecureOrigin(origin: string): boolean {
  if (origin.startsWith('https://')) return true;
  const host = origin.slice('http://'.length).replace(/:\d+$/, '');
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}
