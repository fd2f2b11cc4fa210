// Isolated-world content script: the bridge between the page's postMessage channels (SDK, VNPT shim) and the
// extension's service worker. It never forwards an origin: the service worker reads it from the browser.
import { RELAY_PROTOCOL } from '../../agent/core/protocol/relay.js';
import { EXTENSION, MAX_PAGE_CHANNELS, MAX_PAGE_TEXT, readPageMessage, type ExtensionToPage } from './page-channel.js';

const channels = new Map<string, chrome.runtime.Port>();

type Outgoing = ExtensionToPage extends infer M ? (M extends unknown ? Omit<M, 'kysoAgent'> : never) : never;

function post(m: Outgoing): void {
  // To this window only: other frames (and other origins) never see a page's channel traffic.
  window.postMessage({ kysoAgent: EXTENSION, ...m }, window.location.origin === 'null' ? '*' : window.location.origin);
}

function open(ch: string, kind: 'rpc' | 'vnpt'): void {
  if (channels.has(ch)) return;
  if (channels.size >= MAX_PAGE_CHANNELS) {
    post({ op: 'closed', ch, reason: 'TOO_MANY_STREAMS', message: 'too many channels' });
    return;
  }
  let port: chrome.runtime.Port;
  try {
    port = chrome.runtime.connect({ name: kind });
  } catch {
    // The extension was updated or removed under this page: it must reload.
    post({ op: 'closed', ch, reason: 'AGENT_UNAVAILABLE', message: 'extension context invalidated' });
    return;
  }
  channels.set(ch, port);
  port.onMessage.addListener((raw) => {
    const m = raw as { t?: string; text?: string; reason?: string; message?: string; version?: string };
    if (m.t === 'opened') post({ op: 'opened', ch, agentVersion: m.version ?? '' });
    else if (m.t === 'data' && typeof m.text === 'string') post({ op: 'message', ch, text: m.text });
    else if (m.t === 'closed') {
      channels.delete(ch);
      post({ op: 'closed', ch, ...(m.reason ? { reason: m.reason } : {}), ...(m.message ? { message: m.message } : {}) });
      port.disconnect();
    }
  });
  port.onDisconnect.addListener(() => {
    if (channels.get(ch) === port) {
      channels.delete(ch);
      post({ op: 'closed', ch, reason: 'AGENT_UNAVAILABLE', message: 'relay disconnected' });
    }
  });
}

window.addEventListener('message', (event: MessageEvent) => {
  // Only the page's own window talks to us (not other frames posting into it).
  if (event.source !== window) return;
  const m = readPageMessage(event.data);
  if (!m) return;
  switch (m.op) {
    case 'hello':
      post({ op: 'hello', nonce: m.nonce, version: chrome.runtime.getManifest().version, relay: RELAY_PROTOCOL });
      return;
    case 'open':
      open(m.ch, m.kind);
      return;
    case 'send': {
      const port = channels.get(m.ch);
      if (!port) return;
      if (m.text.length > MAX_PAGE_TEXT) {
        post({ op: 'message', ch: m.ch, text: JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'payload too large', data: { reason: 'PAYLOAD_TOO_LARGE', retriable: false } } }) });
        return;
      }
      port.postMessage({ t: 'data', text: m.text });
      return;
    }
    case 'close': {
      const port = channels.get(m.ch);
      channels.delete(m.ch);
      port?.disconnect();
      return;
    }
  }
});
