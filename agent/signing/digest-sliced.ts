// Digests of whole documents in 4 MiB slices with a turn of the event loop between them (docs/security.md T22): a
// 64 MiB PDF or CMS input hashed in one call blocks the agent (and every dialog heartbeat) for 100–200 ms.
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { HashAlgorithm } from '../core/types.js';
import { NODE_HASH } from './algorithms.js';

const SLICE = 4 << 20;

/** The digest of `parts` one after another (views: no copy), yielding between slices when they are large. */
export async function digestSliced(hashAlgorithm: HashAlgorithm, ...parts: Uint8Array[]): Promise<Uint8Array> {
  const h = createHash(NODE_HASH[hashAlgorithm]);
  for (const data of parts) {
    for (let pos = 0; pos < data.length; pos += SLICE) {
      h.update(data.subarray(pos, Math.min(pos + SLICE, data.length)));
      if (pos + SLICE < data.length) await nextTurn();
    }
  }
  return new Uint8Array(h.digest());
}

/** Lower-case hex SHA-256 of `data`, as the dialog shows it. */
export async function sha256HexSliced(data: Uint8Array): Promise<string> {
  return Buffer.from(await digestSliced('SHA-256', data)).toString('hex');
}
