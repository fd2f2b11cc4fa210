// Unit tests of output naming and the atomic, never-overwriting write.
import { chmod, chown, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateName, nodeOutputFs, outputDirProblem, outputName, writeNew, type OutputFs } from './sign-output.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s));

describe('outputName', () => {
  it.each([
    ['pdf', '/in/hồ sơ.pdf', false, 'hồ sơ-signed.pdf'],
    ['pdf', 'SCAN.PDF', false, 'SCAN-signed.PDF'],
    ['pdf', 'noext', false, 'noext-signed.pdf'],
    ['pdf', '.pdf', false, 'document-signed.pdf'],
    ['xml', 'dir/hd.xml', false, 'hd-signed.xml'],
    ['xml', 'hd.txt', false, 'hd.txt-signed.xml'],
    ['cms', 'a/data.docx', false, 'data.docx.p7m'],
    ['cms', 'a/data.docx', true, 'data.docx.p7s'],
  ] as const)('outputName(%s, %s, detached=%s) = %s', (format, input, detached, expected) => {
    expect(outputName(format, input, detached)).toBe(expected);
  });
  it('candidateName_numbersBeforeTheExtension', () => {
    expect(candidateName('a-signed.pdf', 1)).toBe('a-signed.pdf');
    expect(candidateName('a-signed.pdf', 2)).toBe('a-signed-2.pdf');
    expect(candidateName('data.docx.p7s', 3)).toBe('data.docx-3.p7s');
  });
});

describe('writeNew', () => {
  it('writeNew_existingNames_pickTheNextFreeAndNeverOverwrite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyso-out-'));
    await writeFile(join(dir, 'a-signed.pdf'), 'old');
    const p2 = await writeNew(dir, 'a-signed.pdf', bytes('new 2'));
    const p3 = await writeNew(dir, 'a-signed.pdf', bytes('new 3'));
    expect(p2).toBe(join(dir, 'a-signed-2.pdf'));
    expect(p3).toBe(join(dir, 'a-signed-3.pdf'));
    expect(await readFile(join(dir, 'a-signed.pdf'), 'utf8')).toBe('old');
    expect(await readFile(p2, 'utf8')).toBe('new 2');
    expect((await readdir(dir)).sort()).toEqual(['a-signed-2.pdf', 'a-signed-3.pdf', 'a-signed.pdf']); // no temp left
  });

  it('writeNew_concurrentWritersOfOneName_getDistinctFiles', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyso-out-'));
    const paths = await Promise.all([1, 2, 3, 4].map((i) => writeNew(dir, 'x.p7s', bytes(String(i)))));
    expect(new Set(paths).size).toBe(4);
    expect((await Promise.all(paths.map((p) => readFile(p, 'utf8')))).sort()).toEqual(['1', '2', '3', '4']);
  });

  it('writeNew_withoutHardLinks_fallsBackToCheckedRename', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyso-out-'));
    await writeFile(join(dir, 'a.xml'), 'old');
    const noLinks: OutputFs = { ...nodeOutputFs, link: async () => { throw Object.assign(new Error('EPERM'), { code: 'EPERM' }); } };
    const p = await writeNew(dir, 'a.xml', bytes('new'), noLinks);
    expect(p).toBe(join(dir, 'a-2.xml'));
    expect(await readFile(join(dir, 'a.xml'), 'utf8')).toBe('old');
    expect((await readdir(dir)).sort()).toEqual(['a-2.xml', 'a.xml']);
  });

  it('writeNew_failingWrite_leavesNoTempAndRejects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyso-out-'));
    const failing: OutputFs = { ...nodeOutputFs, link: async () => { throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }); } };
    await expect(writeNew(dir, 'a.pdf', bytes('x'), failing)).rejects.toThrow('ENOSPC');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('outputDirProblem', () => {
  it('refuses a folder of another user or writable by others without the sticky bit, with a bilingual reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyso-outdir-'));
    const me = process.getuid!();
    expect(await outputDirProblem(dir, me, 'linux')).toBeNull();
    expect(await outputDirProblem(dir, me + 4242, 'linux')).toMatch(/thuộc người dùng khác.*belongs to another user/);
    await chmod(dir, 0o777);
    expect(await outputDirProblem(dir, me, 'linux')).toMatch(/người khác có quyền ghi.*others can write/);
    await chmod(dir, 0o1777);
    expect(await outputDirProblem(dir, me, 'linux')).toBeNull();
    expect(await outputDirProblem(dir, me + 1, 'win32')).toBeNull();
    if (me === 0) {
      await chmod(dir, 0o755);
      await chown(dir, 65534, 65534);
      expect(await outputDirProblem(dir, 0, 'linux')).toMatch(/uid 65534/);
    }
  });
});
