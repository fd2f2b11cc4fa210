// A scripted TokenService fake: certificates from given Cert objects, PIN counters, signatures via a callback,
// failures on cue, removal and tokens.changed events. Counts every call (T1 tests count `sign`).
import { AgentError } from '../errors.js';
import type { AuthState, ModuleReport, SignatureResult, SignDigestRequest, TokenService } from '../ports.js';
import type { Cert, PinStatus, SignScheme, Token } from '../types.js';
import { makeCert, makeToken } from './certs.js';

export interface FakeTokenOptions {
  tokens?: Token[];
  certificates?: Cert[];
  /** The correct PIN (default "1234"). */
  pin?: string;
  /** PIN tries before lock (default 3). */
  maxTries?: number;
  loggedIn?: boolean;
  pinpad?: boolean;
  /** certIds whose keys need a context-specific login for every signature. */
  alwaysAuthenticate?: string[];
  /** Produces the signature; default: 0x5a followed by the digest. */
  signature?: (request: SignDigestRequest) => Uint8Array | Promise<Uint8Array>;
  chain?: Uint8Array[];
  /** Like policy signing.requirePinEveryTime: every operation asks the PIN, logged out after each signature not under holdLogin. */
  requirePinEveryTime?: boolean;
}

type MethodName = 'listTokens' | 'refresh' | 'listCertificates' | 'getCertificate' | 'getChain' | 'authState' | 'login' | 'logout' | 'sign';

export class FakeTokenService implements TokenService {
  readonly calls: Record<MethodName, number> = {
    listTokens: 0, refresh: 0, listCertificates: 0, getCertificate: 0, getChain: 0, authState: 0, login: 0, logout: 0, sign: 0,
  };
  readonly signRequests: SignDigestRequest[] = [];
  /** Whether each login attempt carried the right PIN (never the PIN itself). */
  readonly loginResults: boolean[] = [];
  /** Buffers handed to login/sign, to check they were zeroed afterwards. */
  readonly pinBuffers: Uint8Array[] = [];
  loggedIn: boolean;
  tokens: Token[];
  certificates: Cert[];
  triesLeft: number;
  /** Operations currently holding the login (holdLogin), and how many holds were taken in all. */
  holds = 0;
  holdsTaken = 0;

  private readonly pin: string;
  private readonly maxTries: number;
  private readonly pinpad: boolean;
  private readonly alwaysAuth: Set<string>;
  private readonly signatureOf: (request: SignDigestRequest) => Uint8Array | Promise<Uint8Array>;
  private readonly chain: Uint8Array[];
  private readonly everyTime: boolean;
  private readonly failures = new Map<MethodName, unknown[]>();
  private readonly listeners = new Set<(tokens: Token[]) => void>();

  constructor(options: FakeTokenOptions = {}) {
    this.tokens = options.tokens ?? [makeToken({ pinpad: options.pinpad ?? false })];
    this.certificates = options.certificates ?? [makeCert({ tokenId: this.tokens[0]?.tokenId ?? 'token-1' })];
    this.pin = options.pin ?? '1234';
    this.maxTries = options.maxTries ?? 3;
    this.triesLeft = this.maxTries;
    this.loggedIn = options.loggedIn ?? false;
    this.pinpad = options.pinpad ?? false;
    this.alwaysAuth = new Set(options.alwaysAuthenticate ?? []);
    this.signatureOf = options.signature ?? ((r) => Uint8Array.of(0x5a, ...r.digest));
    this.chain = options.chain ?? [];
    this.everyTime = options.requirePinEveryTime ?? false;
  }

  /** The next call(s) of `method` reject with these errors, in order. */
  failNext(method: MethodName, ...errors: unknown[]): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...errors]);
    return this;
  }

  /** Pulls every token out: later calls see TOKEN_REMOVED / CERTIFICATE_NOT_FOUND, listeners are told. */
  removeAll(): void {
    this.tokens = [];
    this.loggedIn = false;
    this.emit();
  }

  emit(tokens: Token[] = this.tokens): void {
    for (const l of this.listeners) l(tokens);
  }

  get pinStatus(): PinStatus {
    if (this.triesLeft <= 0) return 'locked';
    if (this.triesLeft === 1) return 'finalTry';
    return this.triesLeft < this.maxTries ? 'countLow' : 'ok';
  }

  private enter(method: MethodName): void {
    this.calls[method]++;
    const queue = this.failures.get(method);
    if (queue && queue.length > 0) throw queue.shift();
  }

  private present(certId: string): Cert {
    const cert = this.certificates.find((c) => c.certId === certId && this.tokens.some((t) => t.tokenId === c.tokenId));
    if (!cert) throw new AgentError('CERTIFICATE_NOT_FOUND', 'Certificate not found');
    return cert;
  }

  private checkPin(pin: Uint8Array | null): void {
    this.pinBuffers.push(pin ?? new Uint8Array(0));
    if (this.triesLeft <= 0) throw new AgentError('PIN_LOCKED', 'PIN locked', { pinStatus: 'locked' });
    const ok = pin === null ? this.pinpad : new TextDecoder().decode(pin) === this.pin;
    this.loginResults.push(ok);
    if (!ok) {
      this.triesLeft--;
      if (this.triesLeft <= 0) throw new AgentError('PIN_LOCKED', 'PIN locked', { pinStatus: 'locked' });
      throw new AgentError('PIN_INCORRECT', 'Wrong PIN', { pinStatus: this.pinStatus });
    }
    this.triesLeft = this.maxTries;
  }

  async listTokens(): Promise<Token[]> {
    this.enter('listTokens');
    return this.tokens.map((t) => ({ ...t, pinStatus: this.pinStatus }));
  }

  async refresh(): Promise<Token[]> {
    this.enter('refresh');
    return this.tokens.map((t) => ({ ...t, pinStatus: this.pinStatus }));
  }

  async listCertificates(): Promise<Cert[]> {
    this.enter('listCertificates');
    return this.certificates.filter((c) => this.tokens.some((t) => t.tokenId === c.tokenId));
  }

  async getCertificate(certId: string): Promise<Cert> {
    this.enter('getCertificate');
    return this.present(certId);
  }

  async getChain(certId: string): Promise<Uint8Array[]> {
    this.enter('getChain');
    this.present(certId);
    return this.chain;
  }

  async authState(certId: string): Promise<AuthState> {
    this.enter('authState');
    const cert = this.present(certId);
    return { tokenId: cert.tokenId, loginRequired: this.everyTime || !this.loggedIn, alwaysAuthenticate: this.alwaysAuth.has(certId), pinpad: this.pinpad, pinStatus: this.pinStatus };
  }

  async login(tokenId: string, pin: Uint8Array | null): Promise<void> {
    try {
      this.enter('login');
      if (!this.tokens.some((t) => t.tokenId === tokenId)) throw new AgentError('TOKEN_REMOVED', 'Token removed');
      this.checkPin(pin);
      this.loggedIn = true;
    } finally {
      pin?.fill(0); // the port's promise: the buffer is zeroed before login settles
    }
  }

  async logout(): Promise<void> {
    this.enter('logout');
    this.loggedIn = false;
  }

  async sign(request: SignDigestRequest, contextPin?: Uint8Array | null): Promise<SignatureResult> {
    this.enter('sign');
    this.signRequests.push({ ...request, digest: request.digest.slice() });
    if (this.tokens.length === 0) throw new AgentError('TOKEN_REMOVED', 'Token removed');
    const cert = this.present(request.certId);
    if (!this.loggedIn) throw new Error('fake token: sign without login');
    if (this.alwaysAuth.has(request.certId)) {
      if (contextPin === undefined) throw new Error('fake token: always-authenticate key signed without a context PIN');
      this.checkPin(contextPin === null ? null : contextPin.slice());
    }
    const scheme: SignScheme = request.scheme ?? (cert.keyAlgorithm.startsWith('EC') ? 'ECDSA' : 'PKCS1v15');
    const signature = await this.signatureOf(request);
    if (this.everyTime && this.holds === 0) this.loggedIn = false;
    return { signature, scheme };
  }

  holdLogin(_tokenId: string): () => Promise<void> {
    this.holds++;
    this.holdsTaken++;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if (--this.holds === 0 && this.everyTime) this.loggedIn = false;
    };
  }

  onTokensChanged(listener: (tokens: Token[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  modules(): ModuleReport[] {
    return [{ name: 'fake', path: '/fake/module.so', source: 'demo', status: 'loaded' }];
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
