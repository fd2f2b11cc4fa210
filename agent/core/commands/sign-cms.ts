// sign.cms: a CAdES (CMS SignedData) over data or over a hash, through the DocumentSigners port.
import type { CmsInput, CmsSignOptions } from '../ports.js';
import { sha256Hex, toHex } from '../protocol/encoding.js';
import { encodeBase64Sliced } from '../protocol/slices.js';
import type { CmsItemParams, SignCmsParams } from '../protocol/schemas.js';
import type { SignSubject } from '../types.js';
import type { Call } from './command.js';
import { assertHashSigningAllowed, signPrepared, type PreparedSign } from './prepared.js';

export async function prepareCms(p: CmsItemParams, call: Call): Promise<PreparedSign> {
  const hashAlgorithm = p.hashAlgorithm ?? 'SHA-256';
  let input: CmsInput;
  let subject: SignSubject;
  if (p.hash !== undefined) {
    assertHashSigningAllowed(call);
    input = { hash: p.hash, hashAlgorithm };
    subject = { kind: 'hash', hashHex: toHex(p.hash), hashAlgorithm, ...(p.fileName !== undefined ? { label: p.fileName } : {}) };
  } else {
    const data = p.data!;
    input = { data };
    subject = { kind: 'document', format: 'cms', fileName: p.fileName ?? 'data.bin', size: data.length, sha256Hex: call.deps.documents.sha256Hex ? await call.deps.documents.sha256Hex(data) : await sha256Hex(data), hashAlgorithm, ...(p.fileName === undefined ? { unnamed: true as const } : {}) };
  }
  return {
    kind: 'cms',
    subject,
    async execute(key) {
      const options: CmsSignOptions = {
        hashAlgorithm,
        // Over a hash the content is not here to embed; over data the default is detached too
        // (CONTRACT.md); `detached: false` asks for an attached (enveloping) CMS.
        detached: p.hash !== undefined ? true : (p.detached ?? true),
        signingTime: p.signingTime === false ? false : call.deps.clock.now(),
      };
      if (p.timestamp) options.timestamp = { url: p.timestamp.url };
      const cms = await call.deps.documents.signCms(input, options, await key.digestSigner());
      return { cms: await encodeBase64Sliced(cms) };
    },
  };
}

export async function signCmsCommand(params: SignCmsParams, call: Call): Promise<unknown> {
  const { certId, ...rest } = params;
  return signPrepared(call, certId, () => prepareCms(rest, call));
}
