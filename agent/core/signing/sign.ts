// One sign.<format> request from end to end: describe → certificate → confirm (+PIN) → login → sign.
import type { Call, Handler } from '../commands/command.js';
import type { FormatKind, FormatParams, SignFormat } from './format.js';
import { SIGN_FORMATS } from './formats/index.js';
import { runSigning, usableCertificate } from './flow.js';

/** The command of one format: the document is described (parsed once) before the certificate and the dialog. */
export function signCommand<K extends FormatKind>(format: SignFormat<K>) {
  return async (params: FormatParams<K> & { certId: string }, call: Call): Promise<unknown> => {
    const { certId, ...rest } = params;
    const planned = await format(rest as unknown as FormatParams<K>, call);
    const cert = await usableCertificate(call, certId);
    return runSigning(call, cert, planned.subject, (key) => planned.sign(key));
  };
}

type FormatCommands = { [K in FormatKind as `sign.${K}`]: Handler<`sign.${K}`> };

/** `sign.hash`, `sign.cms`, … one command per entry of the format table. */
export const formatCommands = Object.fromEntries(
  Object.entries(SIGN_FORMATS).map(([kind, format]) => [`sign.${kind}`, signCommand(format as SignFormat<FormatKind>)]),
) as unknown as FormatCommands;
