import { afterEach, expect, it } from 'vitest';
import { formatLocalTime, zoneLabel } from './local-time.js';

const TZ = process.env.TZ;
afterEach(() => {
  if (TZ === undefined) delete process.env.TZ;
  else process.env.TZ = TZ;
});

it('formats HH:mm:ss dd/MM/yyyy with the zone for a given offset', () => {
  const d = new Date('2026-12-03T07:05:09Z');
  expect(formatLocalTime(d, 7 * 60)).toBe('14:05:09 03/12/2026 (GMT+7)');
  expect(formatLocalTime(d, 0)).toBe('07:05:09 03/12/2026 (GMT+0)');
  expect(formatLocalTime(d, -(3 * 60 + 30))).toBe('03:35:09 03/12/2026 (GMT-3:30)');
  expect(formatLocalTime(d, 5 * 60 + 45)).toBe('12:50:09 03/12/2026 (GMT+5:45)');
  // Crossing midnight and a year.
  expect(formatLocalTime(new Date('2026-12-31T20:00:00Z'), 7 * 60)).toBe('03:00:00 01/01/2027 (GMT+7)');
  expect(formatLocalTime(new Date('invalid'))).toBe('');
  expect(zoneLabel(-60)).toBe('GMT-1');
});

it('uses the local zone by default, daylight saving included', () => {
  process.env.TZ = 'Asia/Ho_Chi_Minh';
  expect(formatLocalTime(new Date('2026-12-03T07:05:09Z'))).toBe('14:05:09 03/12/2026 (GMT+7)');
  process.env.TZ = 'Europe/Berlin';
  expect(formatLocalTime(new Date('2026-07-01T10:00:00Z'))).toBe('12:00:00 01/07/2026 (GMT+2)');
  expect(formatLocalTime(new Date('2026-12-01T10:00:00Z'))).toBe('11:00:00 01/12/2026 (GMT+1)');
});
