import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { MAX_SOCKET_PATH, channelLocation } from './channel-path.js';
import { CHROMIUM_EXTENSION_ID, FIREFOX_EXTENSION_ID, allowedCallers, extensionIds } from './extension-ids.js';
import { ChannelDecoder, ChannelFrameError, controlFrame, dataFrame, type ChannelEvent } from './channel-frames.js';
import { FrameDecoder, FrameTooLarge, encodeFrame } from './framing.js';
import { allowedCaller } from './native-host.js';
import { hostManifest, launcher, manifestPath, windowsRegistry } from './registration.js';

const root = join(import.meta.dirname, '..', '..');

describe('native-messaging framing', () => {
  it('decodes frames split anywhere, little-endian length', () => {
    const bytes = Buffer.concat([encodeFrame('{"a":1}'), encodeFrame('{"b":"đ"}')]);
    expect(bytes.readUInt32LE(0)).toBe(7);
    const d = new FrameDecoder(1024);
    const out: string[] = [];
    for (const b of bytes) out.push(...d.push(Buffer.from([b])));
    expect(out).toEqual(['{"a":1}', '{"b":"đ"}']);
    expect(d.pending()).toBe(0);
  });

  it('refuses a declared length above the cap before buffering its body', () => {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(2048, 0);
    expect(() => new FrameDecoder(1024).push(head)).toThrow(FrameTooLarge);
  });
});

describe('extension IDs', () => {
  it('the recorded Chromium ID is the one the manifest key gives, and ids.json agrees', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'extension', 'manifest.json'), 'utf8')) as { key: string };
    const hex = createHash('sha256').update(Buffer.from(manifest.key, 'base64')).digest('hex').slice(0, 32);
    const id = [...hex].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('');
    expect(id).toBe(CHROMIUM_EXTENSION_ID);
    expect(JSON.parse(readFileSync(join(root, 'extension', 'ids.json'), 'utf8'))).toEqual({ chromium: CHROMIUM_EXTENSION_ID, firefox: FIREFOX_EXTENSION_ID });
  });

  it('policy IDs join ours by kind; the host accepts exactly those callers', () => {
    const enterprise = 'abcdefghijklmnopabcdefghijklmnop';
    expect(extensionIds([enterprise, 'signer@corp.vn'])).toEqual({ chromium: [CHROMIUM_EXTENSION_ID, enterprise], firefox: [FIREFOX_EXTENSION_ID, 'signer@corp.vn'] });
    const callers = allowedCallers([enterprise]);
    expect(allowedCaller([`chrome-extension://${CHROMIUM_EXTENSION_ID}/`], callers)).not.toBeNull();
    expect(allowedCaller(['/path/to/manifest.json', FIREFOX_EXTENSION_ID], callers)).toBe(FIREFOX_EXTENSION_ID);
    expect(allowedCaller([`chrome-extension://${enterprise}/`, '--parent-window=0'], callers)).not.toBeNull();
    expect(allowedCaller(['chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/'], callers)).toBeNull();
    expect(allowedCaller([], callers)).toBeNull();
  });
});

describe('host registration builders', () => {
  const ids = { chromium: [CHROMIUM_EXTENSION_ID], firefox: [FIREFOX_EXTENSION_ID] };
  it('Linux and macOS per-user manifest paths', () => {
    expect(manifestPath('chrome', 'linux', '/home/an', '/d')).toBe('/home/an/.config/google-chrome/NativeMessagingHosts/vn.kyso.agent.json');
    expect(manifestPath('chromium', 'linux', '/home/an', '/d')).toBe('/home/an/.config/chromium/NativeMessagingHosts/vn.kyso.agent.json');
    expect(manifestPath('edge', 'linux', '/home/an', '/d')).toBe('/home/an/.config/microsoft-edge/NativeMessagingHosts/vn.kyso.agent.json');
    expect(manifestPath('brave', 'linux', '/home/an', '/d')).toBe('/home/an/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/vn.kyso.agent.json');
    expect(manifestPath('firefox', 'linux', '/home/an', '/d')).toBe('/home/an/.mozilla/native-messaging-hosts/vn.kyso.agent.json');
    expect(manifestPath('chrome', 'darwin', '/Users/an', '/d')).toBe('/Users/an/Library/Application Support/Google/Chrome/NativeMessagingHosts/vn.kyso.agent.json');
    expect(manifestPath('edge', 'darwin', '/Users/an', '/d')).toBe('/Users/an/Library/Application Support/Microsoft Edge/NativeMessagingHosts/vn.kyso.agent.json');
    expect(manifestPath('firefox', 'darwin', '/Users/an', '/d')).toBe('/Users/an/Library/Application Support/Mozilla/NativeMessagingHosts/vn.kyso.agent.json');
    expect(manifestPath('chromium', 'linux', '/home/an', '/d', '/tmp/profile')).toBe('/tmp/profile/NativeMessagingHosts/vn.kyso.agent.json');
  });

  it('Windows: manifests in the data dir, HKCU keys by reg.exe', () => {
    expect(manifestPath('edge', 'win32', 'C:\\Users\\an', 'C:\\Users\\an\\AppData\\Roaming\\kyso-agent')).toBe('C:\\Users\\an\\AppData\\Roaming\\kyso-agent\\native-host\\vn.kyso.agent.edge.json');
    expect(windowsRegistry.add('chrome', 'C:\\m.json')).toEqual({ cmd: 'reg', args: ['add', 'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\vn.kyso.agent', '/ve', '/t', 'REG_SZ', '/d', 'C:\\m.json', '/f'] });
    expect(windowsRegistry.remove('firefox')).toEqual({ cmd: 'reg', args: ['delete', 'HKCU\\Software\\Mozilla\\NativeMessagingHosts\\vn.kyso.agent', '/f'] });
    expect(windowsRegistry.query('edge')).toEqual({ cmd: 'reg', args: ['query', 'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\vn.kyso.agent', '/ve'] });
    expect(windowsRegistry.key('brave')).toBe('HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts\\vn.kyso.agent');
    expect(windowsRegistry.key('chromium')).toBe('HKCU\\Software\\Chromium\\NativeMessagingHosts\\vn.kyso.agent');
    expect(launcher('win32', 'C:\\d', ['C:\\node.exe', 'C:\\k\\bin\\kyso-agent.mjs']).text).toBe('@echo off\r\n"C:\\node.exe" "C:\\k\\bin\\kyso-agent.mjs" native-host %*\r\n');
  });

  it('manifests list only our IDs: origins for Chromium, add-on ids for Firefox', () => {
    expect(hostManifest('chrome', '/l', ids)).toEqual({ name: 'vn.kyso.agent', description: 'kyso-agent native messaging host', path: '/l', type: 'stdio', allowed_origins: [`chrome-extension://${CHROMIUM_EXTENSION_ID}/`] });
    expect(hostManifest('firefox', '/l', ids)).toEqual({ name: 'vn.kyso.agent', description: 'kyso-agent native messaging host', path: '/l', type: 'stdio', allowed_extensions: [FIREFOX_EXTENSION_ID] });
    const l = launcher('linux', '/d', ["/opt/no'de", '/k/bin/kyso-agent.mjs']);
    expect(l).toEqual({ path: '/d/native-host/kyso-agent-native-host', text: "#!/bin/sh\nexec '/opt/no'\\''de' '/k/bin/kyso-agent.mjs' native-host \"$@\"\n", mode: 0o700 });
    expect(launcher('win32', 'C:\\d', ['C:\\Program Files\\kyso-agent\\kyso-agent.exe', '--cli']).text).toBe('@echo off\r\n"C:\\Program Files\\kyso-agent\\kyso-agent.exe" "--cli" native-host %*\r\n');
  });
});

describe('channel location', () => {
  it('socket in <data>/run, a private /tmp folder when too long, a per-user pipe on Windows', () => {
    expect(channelLocation('/home/an/.local/share/kyso-agent', 'linux')).toMatchObject({ path: '/home/an/.local/share/kyso-agent/run/relay.sock', dir: '/home/an/.local/share/kyso-agent/run' });
    const deep = `/home/an/${'x'.repeat(120)}`;
    const l = channelLocation(deep, 'linux', { uid: 1000, name: 'an' });
    expect(l.path.length).toBeLessThanOrEqual(MAX_SOCKET_PATH);
    expect(l.path).toMatch(/^\/tmp\/kyso-agent-1000-[0-9a-f]{16}\/relay\.sock$/);
    expect(l.keyFile).toBe(`${deep}/run/relay.key`);
    const a = channelLocation('C:\\Users\\an\\AppData\\Roaming\\kyso-agent', 'win32', { uid: -1, name: 'an' });
    const b = channelLocation('C:\\Users\\binh\\AppData\\Roaming\\kyso-agent', 'win32', { uid: -1, name: 'binh' });
    expect(a.path).toMatch(/^\\\\\.\\pipe\\kyso-agent-relay-[0-9a-f]{16}$/);
    expect(a.path).not.toBe(b.path);
    expect(a.dir).toBeNull();
  });
});

describe('channel frames', () => {
  it('control and data frames decode when split anywhere; a refused data frame is skipped to the next frame', () => {
    const bytes = Buffer.concat([
      controlFrame('{"t":"open","s":7}'),
      dataFrame(7, 'refused ✓'),
      dataFrame(9, 'kept ✓'),
      controlFrame('{"t":"close","s":9}'),
    ]);
    const admitted: Array<[number, number]> = [];
    const out: unknown[] = [];
    const d = new ChannelDecoder({ maxControlBytes: 64, maxDataBytes: 1024, admit: (s, n) => (admitted.push([s, n]), s !== 7), onEvent: (ev) => out.push(ev) });
    for (const b of bytes) d.push(Buffer.from([b]));
    expect(admitted).toEqual([[7, Buffer.byteLength('refused ✓')], [9, Buffer.byteLength('kept ✓')]]);
    expect(out).toEqual([
      { kind: 'control', text: '{"t":"open","s":7}' },
      { kind: 'data', s: 9, bytes: Buffer.from('kept ✓') },
      { kind: 'control', text: '{"t":"close","s":9}' },
    ]);
  });

  it('a large data frame is gathered into one buffer as its chunks arrive, never joined in one go (T22)', () => {
    const text = 'dữ liệu '.repeat(400_000);
    const bytes = Buffer.concat([dataFrame(3, text), controlFrame('{"t":"close","s":3}')]);
    const out: ChannelEvent[] = [];
    const d = new ChannelDecoder({ maxControlBytes: 64, maxDataBytes: 8 << 20, onEvent: (ev) => out.push(ev) });
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      for (let i = 0; i < bytes.length; i += 65_531) d.push(bytes.subarray(i, i + 65_531));
      // Only small joins (a header cut between two chunks) happen; the text is copied once, chunk by chunk.
      expect(Math.max(0, ...concat.mock.calls.map(([list]) => list.reduce((n, b) => n + b.length, 0)))).toBeLessThan(2 * 65_531);
    } finally {
      concat.mockRestore();
    }
    expect(out).toHaveLength(2);
    const ev = out[0] as Extract<ChannelEvent, { kind: 'data' }>;
    expect(ev.s).toBe(3);
    expect(ev.bytes.toString('utf8') === text).toBe(true);
    expect(out[1]).toEqual({ kind: 'control', text: '{"t":"close","s":3}' });
  });

  it('sizes are decided at the header: a large control message, an oversized or unknown frame end the channel', () => {
    expect(() => new ChannelDecoder({ maxControlBytes: 8, maxDataBytes: 1024, onEvent: () => undefined }).push(controlFrame('{"t":"hello-long"}'))).toThrow(ChannelFrameError);
    const big = Buffer.alloc(9);
    big.writeUInt32LE(5 + 2048, 0);
    big[4] = 1;
    expect(() => new ChannelDecoder({ maxControlBytes: 64, maxDataBytes: 1024, onEvent: () => undefined }).push(big)).toThrow(/too large/);
    expect(() => new ChannelDecoder({ maxControlBytes: 64, maxDataBytes: 1024, onEvent: () => undefined }).push(Buffer.from([3, 0, 0, 0, 0x5b, 0x5d, 0x20]))).toThrow(/unknown frame/);
  });
});
