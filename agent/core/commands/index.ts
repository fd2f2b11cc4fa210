// The closed command table: one entry per method of CONTRACT.md, nothing else is callable.
import type { Method } from '../protocol/methods.js';
import { agentInfoCommand } from './agent-info.js';
import { certificatesListCommand, certificatesSelectCommand } from './certificates.js';
import type { Handler } from './command.js';
import { requestAccessCommand } from './session-request-access.js';
import { signBatchCommand } from './sign-batch.js';
import { signCmsCommand } from './sign-cms.js';
import { signHashCommand } from './sign-hash.js';
import { signOfficeCommand } from './sign-office.js';
import { signPdfCommand } from './sign-pdf.js';
import { signXmlCommand } from './sign-xml.js';
import { tokensListCommand, tokensRefreshCommand } from './tokens.js';

export const commands = {
  'agent.info': agentInfoCommand,
  'session.requestAccess': requestAccessCommand,
  'tokens.list': tokensListCommand,
  'tokens.refresh': tokensRefreshCommand,
  'certificates.list': certificatesListCommand,
  'certificates.select': certificatesSelectCommand,
  'sign.hash': signHashCommand,
  'sign.cms': signCmsCommand,
  'sign.pdf': signPdfCommand,
  'sign.xml': signXmlCommand,
  'sign.office': signOfficeCommand,
  'sign.batch': signBatchCommand,
} satisfies { [M in Method]: Handler<M> };
