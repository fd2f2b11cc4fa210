// Public surface of the transport for the composition roots.
export { createAgentServer, LOOPBACK_V4, LOOPBACK_V6 } from './server.js';
export { hostAllowed, checkOrigin, corsAllowed, REFUSAL_BODY, SECURITY_HEADERS } from './guard.js';
export { CLOSE_TOO_LARGE, CLOSE_TOO_LARGE_REASON } from './ws-handler.js';
export * from './types.js';
export { InflightBudget } from './budget.js';
export { cachedPeerCheck, peerUserCheckFor, type PeerUserCheck } from './peer-user/index.js';
