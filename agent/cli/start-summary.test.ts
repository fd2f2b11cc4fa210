import { describe, expect, it } from 'vitest';
import { readySummary } from './start.js';

describe('kyso-agent start on a terminal', () => {
  it('prints a short bilingual summary of where the agent listens (the JSON line is for pipes and --json)', () => {
    expect(readySummary({ tlsPort: 14433, plainPort: 14434, vnptPort: 4433 }).split('\n')).toEqual([
      'kyso-agent đang chạy / is running',
      '  TLS:   https://127.0.0.1:14433',
      '  plain: http://127.0.0.1:14434 (--dev)',
      '  VNPT-CA Plugin: wss://localhost:4433/plugin',
      '  Ctrl-C: dừng / stop',
    ]);
    expect(readySummary({ tlsPort: 14433, plainPort: null, vnptPort: null })).not.toMatch(/plain|VNPT/);
  });
});
