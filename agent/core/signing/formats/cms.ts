// sign.cms: a CAdES (CMS SignedData) over data or over a hash, through the DocumentSigners port.
import type { CmsInput, CmsSignOptions } from '../../ports.js';
import { encodeBase64, sha256Hex, toHex } from '../../protocol/encoding.js';
import type { ItemSubject, SignFormat } from '../format.js';
import { assertHashSigningAllowed } from '../format.js';

export const cmsFormat: SignFormat<'cms'> = async (p, call) => {
  const hashAlgorithm = p.hashAlgorithm ?? 'SHA-256';
  let input: CmsInput;
  let subject: ItemSubject;
  if (p.hash !== undefined) {
    assertHashSigningAllowed(call);
    input = { hash: p.hash, hashAlgorithm };
    subject = { kind: 'hash', hashHex: toHex(p.hash), hashAlgorithm, ...(p.fileName !== undefined ? { label: p.fileName } : {}) };
  } else {
    const data = p.data!;
    input = { data };
    subject = { kind: 'document', format: 'cms', fileName: p.fileName ?? 'data.bin', size: data.length, sha256Hex: await sha256Hex(data), hashAlgorithm, ...(p.fileName === undefined ? { unnamed: true as const } : {}) };
  }
  return {
    kind: 'cms',
    subject,
    async sign(key) {
      const options: CmsSignOptions = {
        hashAlgorithm,
        // Over a hash the content is not here to embed; over data the default is detached too
        // (docs/protocol.md); `detached: false` asks for an attached (enveloping) CMS.
        detached: p.hash !== undefined ? true : (p.detached ?? true),
        signingTime: p.signingTime === false ? false : call.deps.clock.now(),
      };
      if (p.timestamp) options.timestamp = { url: p.timestamp.url };
      const cms = await call.deps.documents.signCms(input, options, await key.digestSigner());
      return { cms: encodeBase64(cms) };
    },
  };
};
