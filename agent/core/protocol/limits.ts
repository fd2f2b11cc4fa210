// The numbers behind the agent's limits, shared by the core and the transport (documented in docs/protocol.md).

const MiB = 1024 * 1024;

/** Largest document (PDF, XML, CMS data) accepted, decoded. */
export const MAX_DOCUMENT_BYTES = 64 * MiB;
/** Largest base64 text for a document: 4 chars per 3 bytes. */
export const MAX_DOCUMENT_BASE64_CHARS = Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4;
/** Largest WebSocket frame / HTTP body: a 64 MiB document in base64 (≈85.4 MiB) plus the JSON around it. */
export const MAX_FRAME_BYTES = 96 * MiB;
/** Deepest JSON nesting accepted (objects + arrays). Real requests need 5 or 6. */
export const MAX_JSON_DEPTH = 32;
/**
 * Most values (objects, arrays and array/object members) in one message, counted before parsing (docs/security.md T22).
 * A sign.batch of 5000 items with options needs about 100 000.
 */
export const MAX_JSON_VALUES = 200_000;
/**
 * Largest message an origin that is not approved may send (WebSocket message or HTTP body): enough for agent.info
 * and session.requestAccess, too small to stall or fill the agent (docs/security.md T22).
 */
export const MAX_UNAPPROVED_MESSAGE_BYTES = 8 * 1024;
/**
 * The same for VNPT-CA Plugin frames (compatible listener and the extension's VNPT channels): the plugin protocol
 * has no access call, so a page's first SignXML may carry the document (docs/security.md, T22).
 */
export const MAX_VNPT_UNAPPROVED_MESSAGE_BYTES = 2 * MiB;
/**
 * Bytes of unfinished messages and bodies all connections and listeners together may hold (docs/security.md T23): two
 * maximum messages at once, plus small ones.
 */
export const MAX_INFLIGHT_BYTES = 256 * MiB;
/**
 * An unfinished message (WebSocket, HTTP body, relay data frame) older than this is dropped with its connection
 * (docs/security.md T23). Loopback moves 96 MiB in well under a second; a minute only ever hits a stalled sender.
 */
export const MESSAGE_TIMEOUT_MS = 60_000;
/**
 * Working memory all document calls together may claim (decoded bytes × format factor, see
 * document-budget.ts): one maximum XML (64 MiB × 5) or two maximum PDFs at once. With the in-flight budget and
 * the agent's own ~150 MiB this keeps the agent under 1 GiB RSS (docs/security.md).
 */
export const MAX_DOCUMENT_WORK_BYTES = 512 * MiB;
/** Prompts (access, picker, confirmation) one origin may open per minute. */
export const PROMPTS_PER_MINUTE = 10;
/** Prompts all origins together may open per minute (T6: many subdomains of one site). */
export const GLOBAL_PROMPTS_PER_MINUTE = 30;
/** Simultaneous connections (WebSocket) one origin may hold; enforced by the transport. */
export const MAX_CONNECTIONS_PER_ORIGIN = 8;
/** Items in one sign.batch. */
export const MAX_BATCH_ITEMS = 5000;
/** Signature appearance image (PNG/JPEG), decoded. */
export const MAX_IMAGE_BYTES = 2 * MiB;
/** A JSON-RPC id longer than this is not echoed back: the request is INVALID_REQUEST. */
export const MAX_ID_LENGTH = 256;
