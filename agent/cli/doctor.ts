// `kyso-agent doctor [--json]`: everything needed to answer "why is my token / browser not working".
import { COMMAND_TEXTS } from './texts.js';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Cert, LogFields, ModuleReport, Token } from '../core/index.js';
import { DEFAULT_PLAIN_PORT, DEFAULT_TLS_PORT, agentVersion, loadPolicy, planModules, resolveDataDir, resolvePolicyPath, type LoadedPolicy } from '../headless/index.js';
import { DRIVER_CATALOG, createPkcs11TokenService } from '../pkcs11/index.js';
import { channelLocation, openChannel, selectBrowsers, status as integrationStatus, type BrowserStatus } from '../relay/index.js';
import { caStatus, type CaReport } from '../tls/index.js';
import { integrationContext } from './browser-integration.js';
import { doctorAdvice, vendorSummary, type Advice, type VendorSummary } from './doctor-advice.js';
import { EXIT, errorText, type CliIo, type Subcommand } from './io.js';

export interface DoctorReport {
  version: string;
  platform: string;
  node: string;
  dataDir: string;
  policy: { path: string; source: LoadedPolicy['source']; problems: string[]; warnings: string[]; inForce: LoadedPolicy['policy'] };
  modules: ModuleReport[];
  tokens: Token[];
  certificates: Array<Pick<Cert, 'certId' | 'tokenId' | 'thumbprintSha256' | 'status' | 'keyAlgorithm' | 'notAfter' | 'identifiers' | 'hasPrivateKey'> & { subject: string; issuer: string }>;
  tokenError?: string;
  ports: Array<{ port: number; what: string; inUse: boolean }>;
  ca: CaReport;
  browsers: Array<{ name: string; path: string }>;
  /** Per catalog vendor: module files found, loaded, tokens seen. */
  vendors: VendorSummary[];
  /** The top problems in words with their fix (docs/admin.md lists the codes). */
  advice: Advice[];
  /** The extension route: host registration per browser, and whether an agent answers on the relay channel. */
  extension: { hosts: BrowserStatus[]; relayPath: string; relayListening: boolean; ids: string[] };
}

const silent = { info: (_e: string, _f?: LogFields) => undefined, warn: (_e: string, _f?: LogFields) => undefined, error: (_e: string, _f?: LogFields) => undefined };

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (v: boolean): void => {
      s.destroy();
      resolve(v);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    setTimeout(() => done(false), 1_000).unref();
  });
}

function findBrowsers(env: NodeJS.ProcessEnv): Array<{ name: string; path: string }> {
  const found: Array<{ name: string; path: string }> = [];
  if (process.platform === 'win32') {
    const pf = [env.ProgramFiles, env['ProgramFiles(x86)'], env.LOCALAPPDATA].filter((x): x is string => !!x);
    const rel: Array<[string, string]> = [['Chrome', 'Google\\Chrome\\Application\\chrome.exe'], ['Edge', 'Microsoft\\Edge\\Application\\msedge.exe'], ['Firefox', 'Mozilla Firefox\\firefox.exe'], ['Cốc Cốc', 'CocCoc\\Browser\\Application\\browser.exe']];
    for (const [name, r] of rel) for (const base of pf) if (existsSync(join(base, r))) found.push({ name, path: join(base, r) });
    return found;
  }
  if (process.platform === 'darwin') {
    for (const app of ['Google Chrome', 'Microsoft Edge', 'Firefox', 'Safari', 'CocCoc']) {
      const p = `/Applications/${app}.app`;
      if (existsSync(p)) found.push({ name: app, path: p });
    }
    return found;
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'brave-browser', 'firefox', 'coccoc']) {
    const hit = dirs.map((d) => join(d, name)).find((p) => existsSync(p));
    if (hit) found.push({ name, path: hit });
  }
  return found;
}

export async function collectDoctor(dataDirFlag: string | undefined, policyFlag: string | undefined, env: NodeJS.ProcessEnv): Promise<DoctorReport> {
  const dataDir = resolveDataDir(dataDirFlag, env);
  const policy = await loadPolicy(resolvePolicyPath(policyFlag, env));
  const report: DoctorReport = {
    version: agentVersion(),
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    dataDir,
    policy: { path: policy.path, source: policy.source, problems: policy.problems, warnings: policy.warnings, inForce: policy.policy },
    modules: [],
    tokens: [],
    certificates: [],
    ports: [],
    ca: await caStatus(dataDir, env.HOME ?? homedir()),
    browsers: findBrowsers(env),
    vendors: [],
    advice: [],
    extension: { hosts: [], relayPath: '', relayListening: false, ids: policy.policy.extension.ids },
  };
  const integration = { ...(await integrationContext({ ...env, KYSO_AGENT_HOME: dataDir })), policyIds: policy.policy.extension.ids };
  report.extension.hosts = await integrationStatus(integration, selectBrowsers(integration));
  const relay = channelLocation(dataDir, process.platform, { uid: process.getuid?.() ?? -1, name: env.USERNAME ?? env.USER ?? '' });
  report.extension.relayPath = relay.path;
  // The same checks and path the native host uses (a channel that is not private counts as not listening).
  report.extension.relayListening = await openChannel(relay).then((s) => (s.destroy(), true), () => false);
  // Module discovery points SOFTHSM2_CONF at the demo token (SoftHSM2 reads it from the process environment).
  const plan = await planModules(dataDir, policy.policy, silent, process.env);
  const service = createPkcs11TokenService({ modules: plan.modules, clock: { now: () => new Date() }, logger: silent });
  try {
    report.tokens = await service.listTokens();
    report.certificates = (await service.listCertificates()).map((c) => ({
      certId: c.certId,
      tokenId: c.tokenId,
      subject: c.subject.commonName,
      issuer: c.issuer.commonName,
      thumbprintSha256: c.thumbprintSha256,
      status: c.status,
      keyAlgorithm: c.keyAlgorithm,
      notAfter: c.notAfter,
      identifiers: c.identifiers,
      hasPrivateKey: c.hasPrivateKey,
    }));
  } catch (e) {
    report.tokenError = errorText(e);
  } finally {
    report.modules = service.modules();
    await service.close().catch(() => undefined);
  }
  for (const [port, what] of [[DEFAULT_TLS_PORT, 'TLS (wss/https)'], [DEFAULT_PLAIN_PORT, 'plain (ws/http, --dev)'], [4433, 'VNPT-CA compatible']] as const) {
    report.ports.push({ port, what, inUse: await portInUse(port) });
  }
  report.vendors = vendorSummary(DRIVER_CATALOG.vendors.map((v) => v.displayName), report.modules, report.tokens);
  report.advice = doctorAdvice(report);
  return report;
}

function printText(io: CliIo, r: DoctorReport): void {
  io.out(`kyso-agent ${r.version} (${r.platform}, Node ${r.node})`);
  io.out(`Thư mục dữ liệu / Data dir: ${r.dataDir}`);
  io.out(`\nChính sách / Policy: ${r.policy.path} [${r.policy.source}]`);
  if (r.policy.source === 'safest') {
    io.out('  Tệp chính sách lỗi: đang dùng thiết lập an toàn nhất (không ghép đôi, không cổng thường).');
    io.out('  The policy file is broken: running with the safest settings (no pairing, no plain port).');
  }
  for (const p of r.policy.problems) io.out(`  ! ${p}`);
  io.out(`  allowedOrigins: ${r.policy.inForce.allowedOrigins.join(', ') || '-'}; allowPairing: ${r.policy.inForce.allowPairing}; plainPort: ${r.policy.inForce.plainPort}`);
  io.out('\nThư viện PKCS#11 / PKCS#11 modules:');
  if (r.modules.length === 0) io.out('  (không tìm thấy / none found)');
  for (const m of r.modules) io.out(`  [${m.status}] ${m.name} (${m.source}) ${m.path}${m.reason ? ` — ${m.reason}` : ''}${m.slotCount !== undefined ? `, slots: ${m.slotCount}` : ''}`);
  io.out('\nToken:');
  if (r.tokenError) io.out(`  ! ${r.tokenError}`);
  if (r.tokens.length === 0) io.out('  (không có token / no token present)');
  for (const t of r.tokens) io.out(`  ${t.label} — ${t.manufacturer} ${t.model} #${t.serialNumber} [${t.moduleName}] PIN: ${t.pinStatus}${t.pinpad ? ', PIN pad' : ''}`);
  io.out('\nChứng thư số / Certificates:');
  if (r.certificates.length === 0) io.out('  (không có / none)');
  for (const c of r.certificates) {
    const ids = Object.entries(c.identifiers).map(([k, v]) => `${k}=${v}`).join(' ');
    io.out(`  ${c.subject} — ${c.issuer} [${c.status}, ${c.keyAlgorithm}, đến/until ${c.notAfter}]${c.hasPrivateKey ? '' : ' (no key)'} ${ids}\n    SHA-256 ${c.thumbprintSha256}`);
  }
  io.out('\nCổng / Ports:');
  for (const p of r.ports) io.out(`  ${p.port} ${p.what}: ${p.inUse ? 'đang dùng / in use' : 'trống / free'}`);
  io.out(`\nCA cục bộ / Local CA: ${r.ca.caSha256 ?? '(chưa tạo / not created)'}`);
  for (const s of r.ca.stores) io.out(`  ${s.label}: ${s.status}${s.error ? ` — ${s.error}` : ''}`);
  io.out('\nTrình duyệt / Browsers:');
  if (r.browsers.length === 0) io.out('  (không tìm thấy / none found)');
  for (const b of r.browsers) io.out(`  ${b.name}: ${b.path}`);
  const present = r.vendors.filter((v) => v.found > 0);
  io.out('\nDriver theo nhà cung cấp / Drivers by vendor:');
  if (present.length === 0) io.out('  (không có driver nào trong danh mục / no catalog driver on this machine)');
  for (const v of present) io.out(`  ${v.vendor}: ${v.loaded}/${v.found} nạp được / loaded, ${v.tokens} token`);
  io.out('\nViệc cần làm / What to do next:');
  if (r.advice.length === 0) io.out('  Không có vấn đề nào / Nothing to fix.');
  for (const a of r.advice) io.out(`  • ${a.vi}\n    ${a.en}${a.fix ? `\n    → ${a.fix}` : ''}`);
  io.out('\nTiện ích trình duyệt / Browser extension (native host vn.kyso.agent):');
  if (r.extension.hosts.length === 0) io.out('  (chưa đăng ký; chạy / not registered; run: kyso-agent browser-integration install)');
  for (const h of r.extension.hosts) {
    io.out(`  ${h.browser}: ${h.registered ? (h.current ? 'đã đăng ký / registered' : 'cần cập nhật / needs update') : 'chưa đăng ký / not registered'} ${h.manifest}`);
    for (const p of h.problems) io.out(`    ! ${p}`);
  }
  io.out(`  Kênh relay / Relay channel: ${r.extension.relayPath} — ${r.extension.relayListening ? 'agent đang nghe / agent listening' : 'không có agent / no agent'}`);
}

export const doctorCommand: Subcommand = {
  ...COMMAND_TEXTS.doctor,
  async run(argv: string[], io: CliIo): Promise<number> {
    let values: { json?: boolean; 'data-dir'?: string; policy?: string };
    try {
      ({ values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, 'data-dir': { type: 'string' }, policy: { type: 'string' } }, strict: true }));
    } catch (e) {
      io.err(`${errorText(e)}\n${this.usage}`);
      return EXIT.usage;
    }
    try {
      const report = await collectDoctor(values['data-dir'], values.policy, io.env);
      if (values.json) io.out(JSON.stringify(report, null, 2));
      else printText(io, report);
      return EXIT.ok;
    } catch (e) {
      io.err(`kyso-agent doctor: ${errorText(e)}`);
      return EXIT.failure;
    }
  },
};
