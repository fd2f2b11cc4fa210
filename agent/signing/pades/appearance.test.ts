import { afterEach, expect, it } from 'vitest';
import { appearanceLines } from './appearance.js';

const TZ = process.env.TZ;
afterEach(() => {
  if (TZ === undefined) delete process.env.TZ;
  else process.env.TZ = TZ;
});

const params = { width: 200, height: 60, matrix: [1, 0, 0, 1, 0, 0], signer: 'NGUYỄN VĂN AN', signingTime: new Date('2026-12-03T07:05:09Z') };

it('the stamp shows the signing machine\'s local time with its zone', () => {
  process.env.TZ = 'Asia/Ho_Chi_Minh';
  expect(appearanceLines(params)).toEqual(['Ký bởi: NGUYỄN VĂN AN', 'Ngày ký: 14:05:09 03/12/2026 (GMT+7)']);
  process.env.TZ = 'Europe/Paris';
  expect(appearanceLines(params)[1]).toBe('Ngày ký: 08:05:09 03/12/2026 (GMT+1)');
});
