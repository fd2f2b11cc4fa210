// The rotating log: JSON lines, rotation by size with a fixed number of files, secret-looking fields redacted.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileLogger } from './file-logger.js';

describe('file logger', () => {
  it('rotatesBySize_keepsAtMostNFiles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyso-log-'));
    const log = createFileLogger({ dir, maxBytes: 2_000, files: 3 });
    for (let i = 0; i < 200; i++) log.info('request', { method: 'sign.hash', i });
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['agent.log', 'agent.log.1', 'agent.log.2']);
    const line = JSON.parse(readFileSync(join(dir, 'agent.log'), 'utf8').trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', event: 'request', method: 'sign.hash', i: 199 });
    expect(typeof line.time).toBe('string');
  });

  it('redactsPinLikeFields_evenIfACallerPassesThem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyso-log-'));
    const log = createFileLogger({ dir });
    log.warn('oops', { pin: '123456', userPin: '654321', origin: 'https://a.example' });
    log.close();
    const text = readFileSync(join(dir, 'agent.log'), 'utf8');
    expect(text).not.toContain('123456');
    expect(text).not.toContain('654321');
    expect(text).toContain('https://a.example');
  });
});
