// The closed command table: one entry per method of docs/protocol.md, nothing else is callable.
import type { Method } from '../protocol/methods.js';
import { agentInfoCommand } from './agent-info.js';
import { certificatesListCommand, certificatesSelectCommand } from './certificates.js';
import type { Handler } from './command.js';
import { requestAccessCommand } from './session-request-access.js';
import { signBatchCommand } from './sign-batch.js';
import { formatCommands } from '../signing/sign.js';
import { tokensListCommand, tokensRefreshCommand } from './tokens.js';
import { documentVerifyCommand } from './document-verify.js';

export const commands = {
  'agent.info': agentInfoCommand,
  'session.requestAccess': requestAccessCommand,
  'tokens.list': tokensListCommand,
  'tokens.refresh': tokensRefreshCommand,
  'certificates.list': certificatesListCommand,
  'certificates.select': certificatesSelectCommand,
  // sign.hash, sign.cms, sign.pdf, sign.xml: one per entry of the format table (core/signing/formats/index.ts).
  ...formatCommands,
  'sign.batch': signBatchCommand,
  'document.verify': documentVerifyCommand,
} satisfies { [M in Method]: Handler<M> };
