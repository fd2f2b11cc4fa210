// VNPT-CA Plugin compatible protocol: existing portals that ship the plugin's page script work with kyso-agent.
export { createVnptSession, FN, type VnptSessionOptions } from './session.js';
export { parseVnptFrame, formatVnptReply, vnptResult } from './frames.js';
export { VNPT, vnptCodeFor } from './codes.js';
