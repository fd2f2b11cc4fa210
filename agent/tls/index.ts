// Public surface of the per-machine TLS: CA + leaf issuance, files, trust stores.
export { issueLocalTls, CA_DAYS, LEAF_DAYS, type IssuedTls } from './ca.js';
export { needsRenewal, pemSha256, RENEW_AT } from './renewal.js';
export { ensureLocalTls, tlsPaths, readTlsState, type LocalTls, type TlsPaths, type TlsState } from './store.js';
export { installCa, uninstallCa, caStatus, prepareTls, type CaReport, type StoreReport } from './manage.js';
export { trustStores, nssStore, windowsStore, macosStore, firefoxProfiles, execRunner, type TrustStore, type TrustStatus, type CommandRunner } from './trust.js';
export { nss, windows, macos, CA_NICKNAME, type Command } from './commands.js';
export { writeFileAtomic, ensurePrivateDir } from './atomic-file.js';
