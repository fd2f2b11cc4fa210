// Unit tests of the PIN readers: stdin's first line and the echo-off terminal prompt.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { promptPinOnTerminal, readPinLine, type PinInput } from './sign-pin.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('readPinLine', () => {
  it('readPinLine_takesTheFirstLineOnly_andZeroesTheChunk', async () => {
    const s = new PassThrough();
    const chunk = Buffer.from('1234\r\nrest of input\n');
    const pin = readPinLine(s);
    s.write(chunk);
    expect(text(await pin)).toBe('1234');
    expect(chunk.every((b) => b === 0)).toBe(true);
  });
  it('readPinLine_acrossChunks_andWithoutNewlineAtEnd', async () => {
    const s = new PassThrough();
    const pin = readPinLine(s);
    s.write('12');
    s.write('34');
    s.end('56');
    expect(text(await pin)).toBe('123456');
  });
  it('readPinLine_emptyInput_isPinLengthInvalid', async () => {
    const s = new PassThrough();
    const pin = readPinLine(s);
    s.end('\n');
    await expect(pin).rejects.toMatchObject({ reason: 'PIN_LENGTH_INVALID' });
  });
});

function fakeTty(): PassThrough & PinInput & { raw: boolean[] } {
  const s = new PassThrough() as PassThrough & PinInput & { raw: boolean[] };
  s.isTTY = true;
  s.raw = [];
  s.setRawMode = (r: boolean) => s.raw.push(r);
  return s;
}

describe('promptPinOnTerminal', () => {
  it('prompt_rawModeNoEcho_backspaceEdits', async () => {
    const input = fakeTty();
    let shown = '';
    const pin = promptPinOnTerminal(input, { write: (t) => (shown += t) }, 'PIN: ');
    input.write('12x\x7f34\r');
    expect(text(await pin)).toBe('1234');
    expect(shown).toBe('PIN: \n'); // nothing typed is echoed
    expect(input.raw).toEqual([true, false]);
  });
  it('prompt_ctrlC_isUserCancelled', async () => {
    const input = fakeTty();
    const pin = promptPinOnTerminal(input, { write: () => undefined }, 'PIN: ');
    input.write('12\x03');
    await expect(pin).rejects.toMatchObject({ reason: 'USER_CANCELLED' });
    expect(input.raw).toEqual([true, false]);
  });
  it('prompt_notATerminal_isRefused', async () => {
    await expect(promptPinOnTerminal(new PassThrough(), { write: () => undefined }, 'PIN: ')).rejects.toThrow(/--pin-stdin/);
  });
});
