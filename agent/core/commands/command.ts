// What every command handler receives: the dependencies, the connection, its origin and prompt context.
import type { Clock, ConnectionContext, DocumentSigners, Logger, PromptContext, TokenService, UserPrompt } from '../ports.js';
import type { OriginSlot, PromptLimiter } from '../policy/limits.js';
import type { OriginAccess } from '../policy/origins.js';
import type { Policy } from '../policy/policy.js';
import type { Method } from '../protocol/methods.js';
import type { ParamsOf } from '../protocol/schemas.js';
import type { SettingsCell } from '../settings.js';
import type { CertificateStatus } from '../status/port.js';
import type { DocumentVerifier } from '../verify/report.js';

/** The dispatcher's dependencies after defaults are applied. */
export interface CommandDeps {
  tokens: TokenService;
  prompt: UserPrompt;
  documents: DocumentSigners;
  access: OriginAccess;
  settings: SettingsCell;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  version: string;
  features: string[];
  limiter: PromptLimiter;
  /** Certificate status (OCSP/CRL) before signing; absent: status unknown, handled per policy. */
  status?: CertificateStatus;
  /** The verification service behind document.verify; absent: the method answers METHOD_NOT_FOUND. */
  verifier?: DocumentVerifier;
}

/** One JSON-RPC call in progress. */
export interface Call {
  deps: CommandDeps;
  connection: ConnectionContext;
  /** The normalised origin of the connection. */
  origin: string;
  /** A fresh object per call: prompt.finish(ctx) closes exactly this call's dialogs. */
  promptContext: PromptContext;
  /**
   * sign.*: the origin's operation slot, taken by the dispatcher before the params (documents) are even decoded,
   * so a busy origin gets BUSY without more documents decoded or parsed (docs/security.md T6). Released when the call
   * ends. Only the dispatcher takes it; signing reads it (core/signing/flow.ts slotOf).
   */
  slot?: OriginSlot;
}

export type Handler<M extends Method> = (params: ParamsOf<M>, call: Call) => Promise<unknown>;
