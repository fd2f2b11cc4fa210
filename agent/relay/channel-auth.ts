// Mutual proof of the per-start channel key (docs/extension.md "The local channel"). The host never sends the key:
// whatever listens on the channel path must first prove it knows it (an HMAC over both sides' fresh nonces), and
// the host proves it back. A squatter that took the socket path or the pipe name learns a random nonce, nothing else.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function channelNonce(): string {
  return randomBytes(32).toString('hex');
}

/** HMAC-SHA256 under the key of `role` and both nonces; the role keeps one side's proof from serving the other. */
export function channelProof(key: string, role: 'agent' | 'host', hostNonce: string, agentNonce: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(`kyso-agent relay ${role}\n${hostNonce}\n${agentNonce}`).digest('hex');
}

/** Constant-time check of a proof the peer sent. */
export function proofMatches(expected: string, got: string | undefined): boolean {
  if (typeof got !== 'string') return false;
  const x = Buffer.from(expected);
  const y = Buffer.from(got);
  return x.length === y.length && timingSafeEqual(x, y);
}
