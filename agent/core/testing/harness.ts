// A whole core wired with fakes (token service, fake user, documents, manual clock, memory log) for tests and benches.
import type { ConnectionContext, Clock, Logger, LogFields } from '../ports.js';
import { createDispatcher, type AgentDispatcher } from '../dispatcher.js';
import { OriginAccess } from '../policy/origins.js';
import { DEFAULT_POLICY, type Policy } from '../policy/policy.js';
import type { CertificateStatus } from '../status/port.js';
import type { DocumentVerifier } from '../verify/report.js';
import type { LimitOptions } from '../policy/limits.js';
import { SettingsCell, type Settings } from '../settings.js';
import { FakeDocuments } from './fake-documents.js';
import { FakeTokenService, type FakeTokenOptions } from './fake-token-service.js';
import { ScriptedPrompt, type PromptScript } from './scripted-prompt.js';
import { joinPieces } from '../protocol/pieces.js';

export class ManualClock implements Clock {
  constructor(private ms = Date.parse('2026-03-01T08:00:00Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  event: string;
  fields: LogFields;
}

export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];
  info(event: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'info', event, fields });
  }
  warn(event: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'warn', event, fields });
  }
  error(event: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'error', event, fields });
  }
  text(): string {
    return this.entries.map((e) => JSON.stringify(e)).join('\n');
  }
}

export interface TestAgentOptions {
  policy?: Partial<Omit<Policy, 'signing'>> & { signing?: Partial<Policy['signing']> };
  settings?: Partial<Settings>;
  tokens?: FakeTokenOptions;
  prompt?: PromptScript;
  limits?: Partial<LimitOptions>;
  /** Working memory document calls may claim at once (default MAX_DOCUMENT_WORK_BYTES). */
  documentBudgetBytes?: number;
  /** A scripted certificate-status service (absent: none, every status is unknown). */
  status?: CertificateStatus;
  /** The verification service behind document.verify (absent: the method is not offered). */
  verifier?: DocumentVerifier;
}

export interface TestAgent {
  dispatcher: AgentDispatcher;
  tokens: FakeTokenService;
  prompt: ScriptedPrompt;
  documents: FakeDocuments;
  access: OriginAccess;
  settings: SettingsCell;
  clock: ManualClock;
  logger: MemoryLogger;
  /** A fresh WebSocket-like connection for `origin` (its controller aborts it). */
  connect(origin: string, transport?: ConnectionContext['transport']): ConnectionContext & { controller: AbortController; sent: string[] };
  /** Sends one request and returns the parsed response (undefined for notifications). */
  call(connection: ConnectionContext, method: string, params?: unknown, id?: string | number | null): Promise<RpcResponse>;
}

export interface RpcResponse {
  jsonrpc: '2.0';
  id: string | number | null;
  result?: unknown;
  error?: { code: number; message: string; data: { reason: string; retriable: boolean; detail?: string; pinStatus?: string } };
}

export function createTestAgent(options: TestAgentOptions = {}): TestAgent {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const policy: Policy = { ...DEFAULT_POLICY, ...options.policy, signing: { ...DEFAULT_POLICY.signing, ...options.policy?.signing } };
  const settings = SettingsCell.inMemory(options.settings);
  const access = new OriginAccess(policy, settings, clock);
  const tokens = new FakeTokenService(options.tokens);
  const prompt = new ScriptedPrompt(options.prompt);
  const documents = new FakeDocuments();
  const dispatcher = createDispatcher({
    tokens, prompt, documents, access, policy, clock, logger, version: '0.1.0-test', ...(options.limits ? { limits: options.limits } : {}),
    ...(options.documentBudgetBytes !== undefined ? { documentBudgetBytes: options.documentBudgetBytes } : {}),
    ...(options.status ? { status: options.status } : {}),
    ...(options.verifier ? { verifier: options.verifier } : {}),
  });
  let nextId = 1;
  return {
    dispatcher, tokens, prompt, documents, access, settings, clock, logger,
    connect(origin, transport = 'ws') {
      const controller = new AbortController();
      const sent: string[] = [];
      return { origin, transport, signal: controller.signal, notify: (m: string) => sent.push(m), controller, sent };
    },
    async call(connection, method, params, id = nextId++) {
      const message: Record<string, unknown> = { jsonrpc: '2.0', id, method };
      if (params !== undefined) message.params = params;
      const reply = await dispatcher.handle(JSON.stringify(message), connection);
      return (reply === null ? undefined : JSON.parse(joinPieces(reply))) as RpcResponse;
    },
  };
}
