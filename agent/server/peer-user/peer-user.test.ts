import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { linuxPeerUserCheck, parseProcNetTcp, peerUidFromRows } from './linux.js';
import { macosPeerUserCheck, peerUidFromLsof } from './macos.js';
import { canonicalAddress } from './types.js';
import { peerPidFromNetstat, userFromTasklist, windowsPeerUserCheck } from './windows.js';

// The agent accepted 127.0.0.1:4433 ← 127.0.0.1:51234 (and [::1]:4433 ← [::1]:51235).
const V4 = { localAddress: '127.0.0.1', localPort: 4433, remoteAddress: '127.0.0.1', remotePort: 51234 };
const V6 = { localAddress: '::1', localPort: 4433, remoteAddress: '::1', remotePort: 51235 };

const PROC_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1151 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0
   1: 0100007F:1151 0100007F:C822 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 20 4 30 10 -1
   2: 0100007F:C822 0100007F:1151 01 00000000:00000000 00:00000000 00000000 65534        0 3 1 0 20 4 30 10 -1
`;
const PROC_TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1151 00000000000000000000000001000000:C823 01 00000000:00000000 00:00000000 00000000  1000        0 4 1 0 20 4 30 10 -1
   1: 00000000000000000000000001000000:C823 00000000000000000000000001000000:1151 01 00000000:00000000 00:00000000 00000000  1000        0 5 1 0 20 4 30 10 -1
   2: 0000000000000000FFFF00000100007F:C824 0000000000000000FFFF00000100007F:1151 01 00000000:00000000 00:00000000 00000000  1001        0 6 1 0 20 4 30 10 -1
`;

describe('Linux /proc/net/tcp{,6}', () => {
  it('parses little-endian IPv4, IPv6 and v4-mapped rows', () => {
    const rows = [...parseProcNetTcp(PROC_TCP, true), ...parseProcNetTcp(PROC_TCP6, true)];
    expect(rows[2]).toEqual({ local: { address: '127.0.0.1', port: 51234 }, remote: { address: '127.0.0.1', port: 4433 }, uid: 65534 });
    expect(rows[3]!.local).toEqual({ address: '::1', port: 4433 });
    expect(rows[5]!.local).toEqual({ address: '127.0.0.1', port: 51236 });
  });
  it('maps the peer socket (not the agent’s own side) to its uid', () => {
    const rows = [...parseProcNetTcp(PROC_TCP, true), ...parseProcNetTcp(PROC_TCP6, true)];
    expect(peerUidFromRows(rows, V4)).toBe(65534);
    expect(peerUidFromRows(rows, V6)).toBe(1000);
    expect(peerUidFromRows(rows, { ...V4, remoteAddress: '::ffff:127.0.0.1', remotePort: 51236 })).toBe(1001);
    expect(peerUidFromRows(rows, { ...V4, remotePort: 9 })).toBeNull();
  });
  it('another user is refused, the own user accepted, an unreadable table refused', async () => {
    const read = async (p: string) => (p.endsWith('6') ? PROC_TCP6 : PROC_TCP);
    expect(await linuxPeerUserCheck(1000, read)(V4)).toBe(false);
    expect(await linuxPeerUserCheck(65534, read)(V4)).toBe(true);
    expect(await linuxPeerUserCheck(1000, read)(V6)).toBe(true);
    expect(await linuxPeerUserCheck(1000, async () => Promise.reject(new Error('EACCES')))(V6)).toBe(false);
  });
  it.runIf(process.platform === 'linux').each(['127.0.0.1', '::1'])('a real loopback connection (%s) from this process is this user', async (host) => {
    const server = createServer();
    const accepted = new Promise<Socket>((r) => server.once('connection', r));
    const listening = await new Promise<boolean>((r) => {
      server.once('error', () => r(false));
      server.listen(0, host, () => r(true));
    });
    if (!listening) return; // no IPv6 loopback on this machine
    const client = connect((server.address() as { port: number }).port, host);
    const sock = await accepted;
    try {
      expect(await linuxPeerUserCheck(process.getuid!())(sock)).toBe(true);
      expect(await linuxPeerUserCheck(process.getuid!() + 1)(sock)).toBe(false);
    } finally {
      client.destroy();
      sock.destroy();
      server.close();
    }
  });
});

const NETSTAT = `
Active Connections

  Proto  Local Address          Foreign Address        State           PID
  TCP    127.0.0.1:4433         0.0.0.0:0              LISTENING       4242
  TCP    127.0.0.1:4433         127.0.0.1:51234        ESTABLISHED     4242
  TCP    127.0.0.1:51234        127.0.0.1:4433         ESTABLISHED     7777
  TCP    [::1]:51235            [::1]:4433             ESTABLISHED     8888
`;
const TASKLIST = '"chrome.exe","7777","Console","1","210,004 K","Running","DESKTOP-1\\An","0:00:12","Kyso portal"\r\n';

describe('Windows netstat -ano + tasklist', () => {
  it('finds the PID owning the peer side and the account of a PID', () => {
    expect(peerPidFromNetstat(NETSTAT, V4)).toBe(7777);
    expect(peerPidFromNetstat(NETSTAT, V6)).toBe(8888);
    expect(peerPidFromNetstat(NETSTAT, { ...V4, remotePort: 1 })).toBeNull();
    expect(userFromTasklist(TASKLIST)).toBe('desktop-1\\an');
    expect(userFromTasklist('INFO: No tasks are running which match the specified criteria.')).toBeNull();
    expect(userFromTasklist('"System","4","Services","0","1 K","Unknown","N/A","0:00:00","N/A"')).toBeNull();
  });
  it('same account → accepted; another account or a failing tool → refused', async () => {
    const exec = (owner: string) => async (file: string, args: string[]) => {
      if (file === 'netstat.exe') return args.includes('TCP') ? NETSTAT : '';
      return args.at(-1) === 'PID eq 4242' ? TASKLIST : TASKLIST.replace('DESKTOP-1\\An', owner);
    };
    expect(await windowsPeerUserCheck(4242, { exec: exec('DESKTOP-1\\An') })(V4)).toBe(true);
    expect(await windowsPeerUserCheck(4242, { exec: exec('DESKTOP-1\\Guest') })(V4)).toBe(false);
    expect(await windowsPeerUserCheck(4242, { exec: async () => Promise.reject(new Error('spawn')) })(V4)).toBe(false);
  });
});

const LSOF = `p311
u501
f25
n127.0.0.1:4433->127.0.0.1:51234
p912
u502
f31
n127.0.0.1:51234->127.0.0.1:4433
p913
u501
f9
n[::1]:51235->[::1]:4433
`;

describe('macOS lsof -Fpun', () => {
  it('finds the uid of the socket whose name is "<peer>-><agent>"', () => {
    expect(peerUidFromLsof(LSOF, V4)).toBe(502);
    expect(peerUidFromLsof(LSOF, V6)).toBe(501);
    expect(peerUidFromLsof(LSOF, { ...V4, remotePort: 2 })).toBeNull();
  });
  it('own uid accepted, other refused', async () => {
    expect(await macosPeerUserCheck(501, async () => LSOF)(V6)).toBe(true);
    expect(await macosPeerUserCheck(501, async () => LSOF)(V4)).toBe(false);
  });
});

it('canonicalAddress: one spelling per address', () => {
  expect(canonicalAddress('0:0:0:0:0:0:0:1')).toBe('::1');
  expect(canonicalAddress('[::1]')).toBe('::1');
  expect(canonicalAddress('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  expect(canonicalAddress('fe80:0:0:0:1:0:0:2')).toBe('fe80::1:0:0:2');
});
